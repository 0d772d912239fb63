package org.cxr.backup;

import java.time.LocalDate;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One Parquet file of a backup run, as the run wrote it and verified it. The ingest date is that of the partition;
 * a snapshot of a whole table (the models) has none.
 */
public record ManifestFile(String key, Dataset dataset, Optional<LocalDate> ingestDate, long rows, long sizeBytes, String sha256)
{
    public ManifestFile
    {
        requireNonNull(key, "key");
        requireNonNull(dataset, "dataset");
        requireNonNull(ingestDate, "ingestDate");
        requireNonNull(sha256, "sha256");
        if (rows < 1) {
            throw new IllegalArgumentException("a backup file holds at least one row, got " + rows);
        }
        if (sizeBytes < 1) {
            throw new IllegalArgumentException("a backup file cannot be empty");
        }
    }
}
