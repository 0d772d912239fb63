package org.cxr.lake.pipeline;

/**
 * How far an incremental stage has got: every image with an id at most {@code imageId}, every inference (with its
 * boxes) with an id at most {@code inferenceId}, and every review (with its decisions) with an id at most
 * {@code reviewId} has been handled and verified. Reviews have a place of their own because a review often arrives
 * long after its inference was handled.
 */
public record Watermark(long imageId, long inferenceId, long reviewId)
{
    public static final Watermark START = new Watermark(0, 0, 0);

    public Watermark
    {
        if (imageId < 0 || inferenceId < 0 || reviewId < 0) {
            throw new IllegalArgumentException("watermark ids cannot be negative");
        }
    }

    /** The higher of each id of the two. */
    public Watermark max(Watermark other)
    {
        return new Watermark(Math.max(imageId, other.imageId), Math.max(inferenceId, other.inferenceId), Math.max(reviewId, other.reviewId));
    }

    /** The lower of each id of the two. */
    public Watermark min(Watermark other)
    {
        return new Watermark(Math.min(imageId, other.imageId), Math.min(inferenceId, other.inferenceId), Math.min(reviewId, other.reviewId));
    }
}
