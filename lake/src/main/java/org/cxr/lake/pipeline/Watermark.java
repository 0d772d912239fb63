package org.cxr.lake.pipeline;

/**
 * How far an incremental stage has got: every image with an id at most {@code imageId} and every inference (with its
 * boxes) with an id at most {@code inferenceId} has been handled and verified.
 */
public record Watermark(long imageId, long inferenceId)
{
    public static final Watermark START = new Watermark(0, 0);

    public Watermark
    {
        if (imageId < 0 || inferenceId < 0) {
            throw new IllegalArgumentException("watermark ids cannot be negative");
        }
    }
}
