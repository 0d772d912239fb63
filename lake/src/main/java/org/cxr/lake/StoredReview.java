package org.cxr.lake;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A review as stored, with all its decisions in id order. */
public record StoredReview(ReviewRecord review, List<ReviewBoxRecord> boxes)
{
    public StoredReview
    {
        requireNonNull(review, "review");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
    }

    public long id()
    {
        return review.id();
    }

    public long inferenceId()
    {
        return review.inferenceId();
    }

    public Instant reviewedAt()
    {
        return review.reviewedAt();
    }

    /** The findings the review leaves (all decisions but the rejections); none means the image was reviewed normal. */
    public List<ReviewBoxRecord> labelled()
    {
        return boxes.stream().filter(box -> box.label().isPresent()).toList();
    }
}
