package org.cxr.datamart;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One decision of a review: about the predicted box it names (none for an added box), leaving a label (none for a
 * rejected box). The decision word is the lake's: accepted, rejected, corrected or added.
 */
record ReviewBox(long reviewBoxId, Optional<Long> predictedBoxId, String decision, Optional<Label> label)
{
    static final String ACCEPTED = "accepted";
    static final String REJECTED = "rejected";
    static final String CORRECTED = "corrected";
    static final String ADDED = "added";

    ReviewBox
    {
        requireNonNull(predictedBoxId, "predictedBoxId");
        requireNonNull(decision, "decision");
        requireNonNull(label, "label");
    }

    /** The lineage of the label in the data mart: where the finding came from. */
    String source()
    {
        return switch (decision) {
            case ACCEPTED -> "model-accepted";
            case CORRECTED -> "model-corrected";
            case ADDED -> "radiologist-added";
            default -> throw new IllegalStateException("a " + decision + " box leaves no label");
        };
    }

    /** A finding after review: a class of the reviewed inference's model and a box in image pixels. */
    record Label(int classId, String className, double xMin, double yMin, double xMax, double yMax)
    {
        Label
        {
            requireNonNull(className, "className");
        }

        double width()
        {
            return xMax - xMin;
        }

        double height()
        {
            return yMax - yMin;
        }
    }
}
