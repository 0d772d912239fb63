package org.cxr.backup;

import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.cxr.lake.ContentHash;
import org.cxr.lake.store.ObjectStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Writes one dataset's rows of one ingest date (or all of a snapshot's rows): to a local Parquet file, which is uploaded once it holds the most rows
 * a file may hold (and a new part begins) or the date is done. Which rows go into which part depends only on the rows
 * and their order, so a retry of the run writes the same parts under the same keys.
 */
public final class PartitionWriter<T>
        implements AutoCloseable
{
    private final Dataset dataset;
    private final RowShape<T> shape;
    private final Optional<LocalDate> date;
    private final String runId;
    private final int maxRowsPerFile;
    private final BackupLayout layout;
    private final ObjectStore store;
    private final Path workDirectory;
    private final Faults faults;
    private final List<ManifestFile> uploaded = new ArrayList<>();

    private Path file;
    private ParquetWriter<T> writer;
    private long rows;

    /**
     * For another engine's {@link Backup.RunWriter}: the Avro records ({@link AvroRows}) of one dataset and date (empty
     * for a snapshot), in the order the backup writes them, into the parts of the run under the backup's {@code
     * prefix}. The files are the bytes the backup itself writes of the same rows.
     */
    public static PartitionWriter<GenericRecord> ofRecords(Dataset dataset, Optional<LocalDate> date, String runId, int maxRowsPerFile, String prefix, ObjectStore store,
            Path workDirectory)
    {
        return new PartitionWriter<>(dataset, RowShapes.records(dataset.schema()), date, runId, maxRowsPerFile, new BackupLayout(prefix), store, workDirectory, Faults.NONE);
    }

    PartitionWriter(Dataset dataset, RowShape<T> shape, Optional<LocalDate> date, String runId, int maxRowsPerFile, BackupLayout layout, ObjectStore store, Path workDirectory,
            Faults faults)
    {
        this.dataset = requireNonNull(dataset, "dataset");
        this.shape = requireNonNull(shape, "shape");
        this.date = requireNonNull(date, "date");
        this.runId = requireNonNull(runId, "runId");
        this.maxRowsPerFile = maxRowsPerFile;
        this.layout = requireNonNull(layout, "layout");
        this.store = requireNonNull(store, "store");
        this.workDirectory = requireNonNull(workDirectory, "workDirectory");
        this.faults = requireNonNull(faults, "faults");
    }

    public void write(T row)
    {
        try {
            if (writer == null) {
                file = Files.createTempFile(workDirectory, "cxr-backup-", ".parquet");
                writer = ParquetFiles.writer(file, dataset, shape);
                rows = 0;
            }
            writer.write(row);
            rows++;
            if (rows == maxRowsPerFile) {
                upload();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dataset.directory() + " rows of " + date.map(LocalDate::toString).orElse("the snapshot") + " to " + file, e);
        }
    }

    /** Uploads the last part; returns every part of the date, in order. */
    public List<ManifestFile> finish()
    {
        try {
            if (writer != null) {
                upload();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot upload the " + dataset.directory() + " rows of " + date.map(LocalDate::toString).orElse("the snapshot"), e);
        }
        return List.copyOf(uploaded);
    }

    private void upload()
            throws IOException
    {
        writer.close();
        writer = null;
        byte[] bytes = Files.readAllBytes(file);
        String key = layout.dataFile(dataset, date, runId, uploaded.size());
        store.put(key, bytes, BackupLayout.PARQUET_MEDIA_TYPE);
        uploaded.add(new ManifestFile(key, dataset, date, rows, bytes.length, ContentHash.sha256(bytes)));
        Files.delete(file);
        file = null;
        faults.afterDataFileUploaded(key);
    }

    /** Throws away a part that was not uploaded, after a failure. */
    @Override
    public void close()
    {
        try {
            if (writer != null) {
                writer.close();
                writer = null;
            }
        }
        catch (IOException | RuntimeException e) {
            // Already failing, or the part was uploaded: the local file is all that is left to clean up.
        }
        finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                }
                catch (IOException ignored) {
                    // A leftover temporary file harms nothing.
                }
                file = null;
            }
        }
    }
}
