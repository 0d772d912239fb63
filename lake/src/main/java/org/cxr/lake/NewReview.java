package org.cxr.lake;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A review to store: the radiologist, a decision for each predicted box of the inference, the boxes they added, and
 * an optional comment. No boxes, for an inference without predicted boxes, says the image has no findings.
 */
public record NewReview(long inferenceId, String reviewer, List<NewReviewBox> boxes, Optional<String> comment)
{
    public static final int MAX_COMMENT_LENGTH = 2000;

    public NewReview
    {
        requireNonNull(reviewer, "reviewer");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
        requireNonNull(comment, "comment");
    }
}
