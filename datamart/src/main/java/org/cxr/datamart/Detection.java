package org.cxr.datamart;

/** One predicted box, corners in image pixels. */
record Detection(long boxId, int classId, double score, double xMin, double yMin, double xMax, double yMax)
{
    double width()
    {
        return xMax - xMin;
    }

    double height()
    {
        return yMax - yMin;
    }
}
