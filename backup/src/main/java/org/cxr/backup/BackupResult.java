package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a backup run did.
 *
 * @param runId empty when there was nothing new to back up
 * @param from the watermark the run started from
 * @param to the watermark after the run; {@code from} when there was nothing new
 * @param rows rows per dataset: {@code images}, {@code inferences}, {@code predictedBoxes}, {@code reviews} and
 *         {@code reviewBoxes} are also the rows read from their tables; {@code detections} the rows of the join
 * @param files the Parquet files of the run
 * @param bytes their total size
 * @param manifestKey where the run's manifest is, if it wrote one
 * @param resumed whether an earlier attempt had written and verified everything and this run only moved the watermark
 */
public record BackupResult(Optional<String> runId, Watermark from, Watermark to, DatasetCounts rows, int files, long bytes, Optional<String> manifestKey, boolean resumed)
{
    public BackupResult
    {
        requireNonNull(runId, "runId");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        requireNonNull(rows, "rows");
        requireNonNull(manifestKey, "manifestKey");
    }

    static BackupResult nothingNew(Watermark watermark)
    {
        return new BackupResult(Optional.empty(), watermark, watermark, DatasetCounts.NONE, 0, 0, Optional.empty(), false);
    }

    static BackupResult of(Manifest manifest, String manifestKey, boolean resumed)
    {
        return new BackupResult(
                Optional.of(manifest.runId()),
                manifest.watermarkFrom(),
                manifest.watermarkTo(),
                manifest.rows(),
                manifest.files().size(),
                manifest.sizeBytes(),
                Optional.of(manifestKey),
                resumed);
    }
}
