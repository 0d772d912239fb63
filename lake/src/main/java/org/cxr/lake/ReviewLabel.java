package org.cxr.lake;

import static java.util.Objects.requireNonNull;

/** A finding as a radiologist's review leaves it: a class of the inference's model and a box in image pixels. */
public record ReviewLabel(int classId, String className, double xMin, double yMin, double xMax, double yMax)
{
    public ReviewLabel
    {
        requireNonNull(className, "className");
    }
}
