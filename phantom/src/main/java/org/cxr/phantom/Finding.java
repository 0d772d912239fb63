package org.cxr.phantom;

import static java.util.Objects.requireNonNull;

/** One abnormality drawn into a phantom, with its true box in image pixels (x_min, y_min, x_max, y_max). */
public record Finding(FindingClass findingClass, double xMin, double yMin, double xMax, double yMax)
{
    public Finding
    {
        requireNonNull(findingClass, "findingClass");
        if (!(xMax > xMin && yMax > yMin)) {
            throw new IllegalArgumentException("empty box");
        }
    }

    public double width() { return xMax - xMin; }

    public double height() { return yMax - yMin; }
}
