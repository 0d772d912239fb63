package org.cxr.backup;

/** How a value of type {@code T} becomes one row of a dataset: its columns, in the dataset's order. */
@FunctionalInterface
interface RowShape<T>
{
    void write(T value, ParquetRow row);
}
