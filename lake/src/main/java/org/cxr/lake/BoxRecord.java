package org.cxr.lake;

import static java.util.Objects.requireNonNull;

/** A row of the {@code predicted_box} table: one box the detector predicted, in pixels of the stored image. */
public record BoxRecord(long id, long inferenceId, int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
{
    public BoxRecord
    {
        requireNonNull(className, "className");
    }
}
