package org.cxr.backup;

import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Collections;
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

    /** The rows the run read from the lake: every table's (the detections are a join of them, not read). */
    public long rowsRead()
    {
        return rows.images() + rows.inferences() + rows.predictedBoxes() + rows.reviews() + rows.reviewBoxes();
    }

    /** The rows the run wrote: each table's and the detections join's. */
    public long rowsWritten()
    {
        return rowsRead() + rows.detections();
    }

    /** What the run did, for its record in the run history: the same whichever engine wrote the files. */
    public Map<String, Object> summary()
    {
        Map<String, Object> summary = new LinkedHashMap<>();
        runId.ifPresent(id -> summary.put("backupRun", id));
        summary.put("images", rows.images());
        summary.put("inferences", rows.inferences());
        summary.put("predictedBoxes", rows.predictedBoxes());
        summary.put("detections", rows.detections());
        summary.put("reviews", rows.reviews());
        summary.put("reviewBoxes", rows.reviewBoxes());
        summary.put("files", files);
        summary.put("bytes", bytes);
        manifestKey.ifPresent(key -> summary.put("manifest", key));
        summary.put("watermarkInferenceId", to.inferenceId());
        return Collections.unmodifiableMap(summary);
    }
}
