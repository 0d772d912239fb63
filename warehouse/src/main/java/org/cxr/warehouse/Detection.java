package org.cxr.warehouse;

import static java.util.Objects.requireNonNull;

/** One predicted box of an inference, in pixels of the image: x to the right, y down. */
public record Detection(long boxId, int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
{
    public Detection
    {
        requireNonNull(className, "className");
    }
}
