package org.cxr.detector;

/**
 * What the caller chooses per request: the lowest score kept, and the IoU above which NMS removes the weaker of two
 * boxes of the same class.
 */
public record Thresholds(double confidence, double nmsIou)
{
    public Thresholds
    {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence threshold must be between 0 and 1, got " + confidence);
        }
        if (!(nmsIou > 0 && nmsIou <= 1)) {
            throw new IllegalArgumentException("NMS IoU threshold must be greater than 0 and at most 1, got " + nmsIou);
        }
    }
}
