package org.cxr.warehouse;

import static java.util.Objects.requireNonNull;

/** A review read from the lake, and where it goes: into inference {@code inferenceId} of the document of image {@code sha256}. */
public record PendingReview(String sha256, long inferenceId, ReviewDocument review)
{
    public PendingReview
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(review, "review");
    }
}
