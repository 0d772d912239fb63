package org.cxr.datamart;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A radiologist's review of one inference as the warehouse nests it, its decisions in id order. */
record Review(long reviewId, String reviewer, Instant reviewedAt, List<ReviewBox> boxes)
{
    Review
    {
        requireNonNull(reviewer, "reviewer");
        requireNonNull(reviewedAt, "reviewedAt");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
    }

    /** The findings the review leaves; none means the image was reviewed as having no findings. */
    List<ReviewBox> labelled()
    {
        return boxes.stream().filter(box -> box.label().isPresent()).toList();
    }
}
