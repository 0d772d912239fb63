package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What a purge deleted.
 *
 * @param cutoff rows created before this were candidates
 * @param limit rows with ids up to this watermark were candidates: the backup's, or lower if another required stage is behind
 * @param batches delete transactions run
 */
public record PurgeResult(Instant cutoff, Watermark limit, long inferencesDeleted, long predictedBoxesDeleted, long imagesDeleted, int batches)
{
    public PurgeResult
    {
        requireNonNull(cutoff, "cutoff");
        requireNonNull(limit, "limit");
    }
}
