package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What a purge deleted.
 *
 * @param cutoff rows created before this were candidates
 * @param limit rows with ids up to this watermark were candidates: the backup's, or lower if another required stage is
 *         behind; an inference with a review above its review id was not
 * @param reviewsDeleted reviews deleted with their inferences (their decisions went with them)
 * @param batches delete transactions run
 */
public record PurgeResult(Instant cutoff, Watermark limit, long inferencesDeleted, long predictedBoxesDeleted, long reviewsDeleted, long imagesDeleted, int batches)
{
    public PurgeResult
    {
        requireNonNull(cutoff, "cutoff");
        requireNonNull(limit, "limit");
    }
}
