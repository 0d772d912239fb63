package org.cxr.datamart;

import org.bson.Document;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where an export's documents come from: the warehouse's collection (a copy of it, {@link WarehousePages}), or an
 * engine that builds the same documents elsewhere (Apache Spark, from the backup's Parquet files) and may already have
 * copied their images into the folder, on many machines at once.
 */
@FunctionalInterface
public interface ExportSource
{
    /**
     * The documents to export, opened once the export holds the folder ({@code layout}); a source may keep temporary
     * files there (dot-names ending in {@code .tmp}, which the next run removes if this one dies).
     */
    Documents open(DataMartLayout layout)
            throws IOException;

    /** Image documents in {@code _id} order, a page at a time, read twice: to check them all, then to export. */
    interface Documents
            extends Closeable
    {
        /** The next page; empty once every document has been read. */
        List<Entry> next();

        /** Starts again from the first document. */
        void rewind()
                throws IOException;
    }

    /**
     * One document in the shape the warehouse stage writes, and the copy of its image when the source made it (with
     * {@link ImageCopies}); the export makes the copies the source did not.
     */
    record Entry(Document document, Optional<ImageCopy> copy)
    {
        public Entry
        {
            requireNonNull(document, "document");
            requireNonNull(copy, "copy");
        }
    }
}
