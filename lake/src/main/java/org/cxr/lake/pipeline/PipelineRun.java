package org.cxr.lake.pipeline;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One run of a pipeline stage as the run history keeps it. {@code detail} is the stage's counts as JSON. */
public record PipelineRun(
        long id,
        String stage,
        String trigger,
        Status status,
        Instant startedAt,
        Optional<Instant> finishedAt,
        int attempts,
        Optional<Long> rowsRead,
        Optional<Long> rowsWritten,
        Optional<String> detail,
        Optional<String> error)
{
    public enum Status { RUNNING, SUCCEEDED, FAILED }

    public PipelineRun
    {
        requireNonNull(stage, "stage");
        requireNonNull(trigger, "trigger");
        requireNonNull(status, "status");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(finishedAt, "finishedAt");
        requireNonNull(rowsRead, "rowsRead");
        requireNonNull(rowsWritten, "rowsWritten");
        requireNonNull(detail, "detail");
        requireNonNull(error, "error");
    }
}
