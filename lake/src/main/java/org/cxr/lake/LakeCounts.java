package org.cxr.lake;

/**
 * Rows of the lake: images, inferences, predicted boxes, the distinct images that those inferences are of (the
 * documents a warehouse of them holds), reviews and their decisions.
 */
public record LakeCounts(long images, long inferences, long predictedBoxes, long imagesWithInferences, long reviews, long reviewBoxes)
{
    public LakeCounts
    {
        if (images < 0 || inferences < 0 || predictedBoxes < 0 || imagesWithInferences < 0 || reviews < 0 || reviewBoxes < 0) {
            throw new IllegalArgumentException("row counts cannot be negative");
        }
    }
}
