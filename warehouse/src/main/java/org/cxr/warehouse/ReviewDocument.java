package org.cxr.warehouse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A radiologist's review of an inference, as the warehouse keeps it inside the inference: who, when, an optional
 * comment, and a decision per box (in decision id order). An inference keeps every review it had, in review id order;
 * the last one supersedes the others.
 */
public record ReviewDocument(long reviewId, String reviewer, Instant reviewedAt, Optional<String> comment, List<ReviewedBox> boxes)
{
    public ReviewDocument
    {
        requireNonNull(reviewer, "reviewer");
        requireNonNull(reviewedAt, "reviewedAt");
        requireNonNull(comment, "comment");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
    }
}
