package org.cxr.backup;

import static java.util.Objects.requireNonNull;

/** A row of the {@code predicted_box} table. */
record BoxRow(long id, long inferenceId, int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
{
    BoxRow
    {
        requireNonNull(className, "className");
    }
}
