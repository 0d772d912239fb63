package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What a run is going to back up, stored before its first file: a retry after a crash reads it and backs up exactly
 * the same range in the same files, so that it overwrites every key the crashed attempt wrote.
 */
public record RunPlan(String runId, Instant plannedAt, Instant settleCutoff, Watermark from, Watermark to, int maxRowsPerFile)
{
    public RunPlan
    {
        requireNonNull(runId, "runId");
        requireNonNull(plannedAt, "plannedAt");
        requireNonNull(settleCutoff, "settleCutoff");
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        if (to.imageId() < from.imageId() || to.inferenceId() < from.inferenceId() || to.reviewId() < from.reviewId()) {
            throw new IllegalArgumentException("A plan cannot end before it starts: " + from + " to " + to);
        }
        if (maxRowsPerFile < 1) {
            throw new IllegalArgumentException("maxRowsPerFile must be positive, got " + maxRowsPerFile);
        }
    }

    public boolean isEmpty()
    {
        return from.equals(to);
    }
}
