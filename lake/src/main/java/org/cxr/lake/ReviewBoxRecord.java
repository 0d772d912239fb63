package org.cxr.lake;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A row of the {@code review_box} table: one decision of a review, about the predicted box it names (none for
 * {@link ReviewDecision#ADDED}), and the label it leaves (none for {@link ReviewDecision#REJECTED}).
 */
public record ReviewBoxRecord(long id, long reviewId, Optional<Long> predictedBoxId, ReviewDecision decision, Optional<ReviewLabel> label)
{
    public ReviewBoxRecord
    {
        requireNonNull(predictedBoxId, "predictedBoxId");
        requireNonNull(decision, "decision");
        requireNonNull(label, "label");
        if (predictedBoxId.isPresent() != decision.aboutPrediction()) {
            throw new IllegalArgumentException(decision.word() + " box " + id + (decision.aboutPrediction() ? " names no" : " names a") + " predicted box");
        }
        if (label.isPresent() == (decision == ReviewDecision.REJECTED)) {
            throw new IllegalArgumentException(decision.word() + " box " + id + (label.isPresent() ? " has a" : " has no") + " label");
        }
    }
}
