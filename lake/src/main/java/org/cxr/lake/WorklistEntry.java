package org.cxr.lake;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * An inference waiting for review: its study-level abnormality score (its highest box score, 0 without boxes), when
 * it was made, and whether it has waited longer than the worklist allows (then it goes first, oldest first).
 */
public record WorklistEntry(InferenceRecord inference, ImageRecord image, double score, int boxes, boolean overdue)
{
    public WorklistEntry
    {
        requireNonNull(inference, "inference");
        requireNonNull(image, "image");
    }

    public long inferenceId()
    {
        return inference.id();
    }

    public Instant createdAt()
    {
        return inference.createdAt();
    }
}
