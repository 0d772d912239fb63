package org.cxr.backup;

import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One row of a dataset's file, written column by column in the dataset's order straight into Parquet's record
 * consumer. A null value of an optional column is a column not written, as Parquet records nulls.
 */
final class ParquetRow
{
    // parquet-avro writes a list of strings in its older two-level form; readers of the backup know it by this name.
    private static final String LIST_ELEMENT = "array";

    private final RecordConsumer consumer;
    private final String[] names;
    // Each string column's last value and its UTF-8 bytes: a detection repeats its image's and inference's strings in
    // every box's row. A Binary of a string owns its bytes, so Parquet's dictionaries and statistics may keep it.
    private final String[] lastStrings;
    private final Binary[] lastBinaries;
    private int field;

    ParquetRow(RecordConsumer consumer, MessageType schema)
    {
        this.consumer = requireNonNull(consumer, "consumer");
        this.names = schema.getFields().stream().map(Type::getName).toArray(String[]::new);
        this.lastStrings = new String[names.length];
        this.lastBinaries = new Binary[names.length];
    }

    void start()
    {
        consumer.startMessage();
        field = 0;
    }

    void end()
    {
        if (field != names.length) {
            // A shape that wrote too few columns would shift every later value into the wrong column.
            throw new IllegalStateException("A row of " + names.length + " columns was written with " + field);
        }
        consumer.endMessage();
    }

    ParquetRow int64(long value)
    {
        int index = begin();
        consumer.addLong(value);
        return finish(index);
    }

    ParquetRow int32(int value)
    {
        int index = begin();
        consumer.addInteger(value);
        return finish(index);
    }

    ParquetRow float64(double value)
    {
        int index = begin();
        consumer.addDouble(value);
        return finish(index);
    }

    ParquetRow string(String value)
    {
        requireNonNull(value, names[field]);
        int index = begin();
        if (!value.equals(lastStrings[index])) {
            lastStrings[index] = value;
            lastBinaries[index] = Binary.fromString(value);
        }
        consumer.addBinary(lastBinaries[index]);
        return finish(index);
    }

    /** Microseconds since the epoch, as the datasets' {@code TIMESTAMP(MICROS, UTC)} columns hold them. */
    ParquetRow timestamp(Instant value)
    {
        return int64(AvroRows.micros(value));
    }

    ParquetRow strings(List<String> values)
    {
        int index = begin();
        consumer.startGroup();
        if (!values.isEmpty()) {
            consumer.startField(LIST_ELEMENT, 0);
            for (String value : values) {
                consumer.addBinary(Binary.fromString(value));
            }
            consumer.endField(LIST_ELEMENT, 0);
        }
        consumer.endGroup();
        return finish(index);
    }

    ParquetRow optionalInt64(Long value)
    {
        return value == null ? none() : int64(value);
    }

    ParquetRow optionalString(String value)
    {
        return value == null ? none() : string(value);
    }

    /** The column is null in this row. */
    ParquetRow none()
    {
        return none(1);
    }

    /** The next {@code columns} columns are null in this row. */
    ParquetRow none(int columns)
    {
        field += columns;
        return this;
    }

    private int begin()
    {
        int index = field;
        consumer.startField(names[index], index);
        return index;
    }

    private ParquetRow finish(int index)
    {
        consumer.endField(names[index], index);
        field = index + 1;
        return this;
    }
}
