package org.cxr.lake;

import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * One decision as a reviewer sends it: the predicted box it is about (none when {@link ReviewDecision#ADDED}), and for
 * a correction or an addition the class and box (a correction may change either and keep the other).
 */
public record NewReviewBox(Optional<Long> predictedBoxId, ReviewDecision decision, OptionalInt classId, Optional<Corners> box)
{
    public NewReviewBox
    {
        requireNonNull(predictedBoxId, "predictedBoxId");
        requireNonNull(decision, "decision");
        requireNonNull(classId, "classId");
        requireNonNull(box, "box");
    }

    public static NewReviewBox accepted(long predictedBoxId)
    {
        return new NewReviewBox(Optional.of(predictedBoxId), ReviewDecision.ACCEPTED, OptionalInt.empty(), Optional.empty());
    }

    public static NewReviewBox rejected(long predictedBoxId)
    {
        return new NewReviewBox(Optional.of(predictedBoxId), ReviewDecision.REJECTED, OptionalInt.empty(), Optional.empty());
    }

    public static NewReviewBox corrected(long predictedBoxId, OptionalInt classId, Optional<Corners> box)
    {
        return new NewReviewBox(Optional.of(predictedBoxId), ReviewDecision.CORRECTED, classId, box);
    }

    public static NewReviewBox added(int classId, Corners box)
    {
        return new NewReviewBox(Optional.empty(), ReviewDecision.ADDED, OptionalInt.of(classId), Optional.of(box));
    }

    /** A box in image pixels, as sent; the lake checks it lies in the image and has an area. */
    public record Corners(double xMin, double yMin, double xMax, double yMax) {}
}
