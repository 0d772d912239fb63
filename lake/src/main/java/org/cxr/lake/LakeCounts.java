package org.cxr.lake;

/**
 * Rows of the lake: images, inferences, predicted boxes, and the distinct images that those inferences are of (the
 * documents a warehouse of them holds).
 */
public record LakeCounts(long images, long inferences, long predictedBoxes, long imagesWithInferences)
{
    public LakeCounts
    {
        if (images < 0 || inferences < 0 || predictedBoxes < 0 || imagesWithInferences < 0) {
            throw new IllegalArgumentException("row counts cannot be negative");
        }
    }
}
