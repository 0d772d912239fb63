package org.cxr.lake;

import static java.util.Objects.requireNonNull;

/** One box the detector predicted, in pixels of the uploaded image: x to the right, y down. */
public record PredictedBox(int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
{
    public PredictedBox
    {
        requireNonNull(className, "className");
        if (classId < 0) {
            throw new IllegalArgumentException("class id must not be negative, got " + classId);
        }
        if (!(score >= 0 && score <= 1)) {
            throw new IllegalArgumentException("score must be between 0 and 1, got " + score);
        }
        if (!(xMin <= xMax && yMin <= yMax)) {
            throw new IllegalArgumentException("box corners out of order: (" + xMin + ", " + yMin + ") (" + xMax + ", " + yMax + ")");
        }
    }
}
