package org.cxr.warehouse;

import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One decision of a review: about the predicted box it names (none when the radiologist added the box), and the label
 * it leaves, a class of the inference's model and a box in image pixels (none when the box was rejected).
 */
public record ReviewedBox(long reviewBoxId, Optional<Long> predictedBoxId, ReviewDecision decision, Optional<ReviewLabel> label)
{
    public ReviewedBox
    {
        requireNonNull(predictedBoxId, "predictedBoxId");
        requireNonNull(decision, "decision");
        requireNonNull(label, "label");
    }
}
