package org.cxr.backup;

import org.cxr.lake.pipeline.Watermarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * How the backup runs. The bucket is the {@link org.cxr.lake.store.ObjectStore}'s: pass a store for another bucket to
 * keep backups apart from the images.
 *
 * @param prefix where the backup lives in the bucket: empty, or ending with {@code /}
 * @param settleDelay only rows created this long before the run starts are taken, so that a transaction that got its
 *         id earlier but commits later than another is not skipped for good
 * @param pageSize rows per keyset query; bounds what is held in memory
 * @param maxRowsPerFile a partition with more rows is split into several parts; bounds the size of one file, which is
 *         held in memory while it is uploaded and verified
 * @param workDirectory where Parquet files are written before upload; the system's temporary folder when empty
 * @param writers how many dates are read and written at once, each on a connection of its own
 */
public record BackupOptions(String prefix, Duration settleDelay, int pageSize, int maxRowsPerFile, Optional<Path> workDirectory, int writers)
{
    public static final String DEFAULT_PREFIX = "backups/";
    public static final int DEFAULT_PAGE_SIZE = 1000;
    public static final int DEFAULT_MAX_ROWS_PER_FILE = 500_000;
    /** One date per core: reading, encoding and compressing a date keeps a core busy, and the database has its own. */
    public static final int DEFAULT_WRITERS = Runtime.getRuntime().availableProcessors();

    public BackupOptions
    {
        requireNonNull(prefix, "prefix");
        requireNonNull(settleDelay, "settleDelay");
        requireNonNull(workDirectory, "workDirectory");
        if (!prefix.isEmpty() && (!prefix.endsWith("/") || prefix.startsWith("/"))) {
            throw new IllegalArgumentException("prefix must be empty or end with '/' and not start with it, got '" + prefix + "'");
        }
        if (settleDelay.isNegative()) {
            throw new IllegalArgumentException("settleDelay cannot be negative, got " + settleDelay);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, got " + pageSize);
        }
        if (maxRowsPerFile < 1) {
            throw new IllegalArgumentException("maxRowsPerFile must be positive, got " + maxRowsPerFile);
        }
        if (writers < 1) {
            throw new IllegalArgumentException("writers must be positive, got " + writers);
        }
    }

    public static BackupOptions defaults()
    {
        return new BackupOptions(DEFAULT_PREFIX, Watermarks.DEFAULT_SETTLE_DELAY, DEFAULT_PAGE_SIZE, DEFAULT_MAX_ROWS_PER_FILE, Optional.empty(), DEFAULT_WRITERS);
    }

    public BackupOptions withPrefix(String prefix)
    {
        return new BackupOptions(prefix, settleDelay, pageSize, maxRowsPerFile, workDirectory, writers);
    }

    public BackupOptions withSettleDelay(Duration settleDelay)
    {
        return new BackupOptions(prefix, settleDelay, pageSize, maxRowsPerFile, workDirectory, writers);
    }

    public BackupOptions withPageSize(int pageSize)
    {
        return new BackupOptions(prefix, settleDelay, pageSize, maxRowsPerFile, workDirectory, writers);
    }

    public BackupOptions withMaxRowsPerFile(int maxRowsPerFile)
    {
        return new BackupOptions(prefix, settleDelay, pageSize, maxRowsPerFile, workDirectory, writers);
    }

    public BackupOptions withWorkDirectory(Path workDirectory)
    {
        return new BackupOptions(prefix, settleDelay, pageSize, maxRowsPerFile, Optional.of(workDirectory), writers);
    }

    public BackupOptions withWriters(int writers)
    {
        return new BackupOptions(prefix, settleDelay, pageSize, maxRowsPerFile, workDirectory, writers);
    }
}
