package org.cxr.lake;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A row of the {@code review} table: who reviewed which inference, and when. */
public record ReviewRecord(long id, long inferenceId, String reviewer, Instant reviewedAt, Optional<String> comment)
{
    public ReviewRecord
    {
        requireNonNull(reviewer, "reviewer");
        requireNonNull(reviewedAt, "reviewedAt");
        requireNonNull(comment, "comment");
    }
}
