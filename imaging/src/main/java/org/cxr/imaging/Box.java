package org.cxr.imaging;

/** An axis-aligned box in pixels: x to the right, y down, corners (xMin, yMin) and (xMax, yMax). */
public record Box(double xMin, double yMin, double xMax, double yMax)
{
    public double width()
    {
        return Math.max(0, xMax - xMin);
    }

    public double height()
    {
        return Math.max(0, yMax - yMin);
    }

    public double area()
    {
        return width() * height();
    }

    /** Intersection over union; 0 when either box is empty. */
    public double iou(Box other)
    {
        double w = Math.min(xMax, other.xMax) - Math.max(xMin, other.xMin);
        double h = Math.min(yMax, other.yMax) - Math.max(yMin, other.yMin);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double union = area() + other.area() - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    public Box clamp(double width, double height)
    {
        return new Box(
                Math.min(Math.max(xMin, 0), width), Math.min(Math.max(yMin, 0), height),
                Math.min(Math.max(xMax, 0), width), Math.min(Math.max(yMax, 0), height));
    }

    public static Box fromCentre(double cx, double cy, double w, double h)
    {
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2);
    }
}
