package org.cxr.datamart;

import static java.util.Objects.requireNonNull;

/** One predicted box, corners in image pixels, with the class id and name its model gave it. */
record Detection(long boxId, int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
{
    Detection
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
