package org.cxr.app.review;

import org.cxr.app.audit.Audit;
import org.cxr.app.review.ReviewJson.DecisionRequest;
import org.cxr.app.review.ReviewJson.ReviewList;
import org.cxr.app.review.ReviewJson.ReviewRequest;
import org.cxr.app.review.ReviewJson.ReviewResponse;
import org.cxr.lake.Lake;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.StoredReview;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.NotFoundException;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static java.util.Objects.requireNonNull;

/**
 * Radiologists confirm or correct the detector's findings: one review of an inference decides every box it predicted
 * (accepted, rejected, corrected) and adds what it missed; reviews are kept, the latest one counts.
 */
@RestController
class ReviewController
{
    private final Lake lake;
    private final Audit audit;

    ReviewController(Lake lake, Audit audit)
    {
        this.lake = requireNonNull(lake, "lake");
        this.audit = requireNonNull(audit, "audit");
    }

    @PostMapping(path = "/api/v1/inferences/{id}/reviews", consumes = "application/json")
    ResponseEntity<ReviewResponse> create(Authentication authentication, @PathVariable("id") long inferenceId, @RequestBody ReviewRequest request)
    {
        NewReview review = new NewReview(inferenceId, authentication.getName(), decisions(request), comment(request));
        // The audit row commits with the review: a review is stored and audited, or neither.
        StoredReview stored = lake.review(review, written -> audit.success("review.create", "inference/" + inferenceId,
                "review " + written.id() + ": " + summary(written)));
        return ResponseEntity.created(URI.create("/api/v1/inferences/" + inferenceId + "/reviews/" + stored.id())).body(ReviewJson.of(stored));
    }

    @GetMapping("/api/v1/inferences/{id}/reviews")
    ReviewList list(@PathVariable("id") long inferenceId)
    {
        if (lake.inference(inferenceId).isEmpty()) {
            throw new NotFoundException("No inference with id " + inferenceId + ".");
        }
        List<StoredReview> reviews = lake.reviews(inferenceId);
        audit.success("review.list", "inference/" + inferenceId, reviews.size() + " reviews");
        return new ReviewList(reviews.stream().map(ReviewJson::of).toList());
    }

    private static List<NewReviewBox> decisions(ReviewRequest request)
    {
        if (request == null || request.boxes() == null) {
            throw new InvalidInputException("bad_review", "The review needs 'boxes': a decision for every predicted box, and the boxes added (an empty list says the image has no findings).");
        }
        List<NewReviewBox> boxes = new ArrayList<>(request.boxes().size());
        for (int i = 0; i < request.boxes().size(); i++) {
            DecisionRequest box = request.boxes().get(i);
            if (box == null || box.decision() == null) {
                throw new InvalidInputException("bad_review", "boxes[" + i + "] has no decision (accepted, rejected, corrected or added).");
            }
            boxes.add(new NewReviewBox(
                    Optional.ofNullable(box.predictedBoxId()),
                    ReviewDecision.of(box.decision()),
                    box.classId() == null ? OptionalInt.empty() : OptionalInt.of(box.classId()),
                    Optional.ofNullable(box.box()).map(b -> new NewReviewBox.Corners(b.xMin(), b.yMin(), b.xMax(), b.yMax()))));
        }
        return boxes;
    }

    private static Optional<String> comment(ReviewRequest request)
    {
        return Optional.ofNullable(request.comment()).map(String::strip).filter(text -> !text.isEmpty());
    }

    private static String summary(StoredReview review)
    {
        if (review.boxes().isEmpty()) {
            return "no findings";
        }
        StringBuilder text = new StringBuilder();
        for (ReviewDecision decision : ReviewDecision.values()) {
            long count = review.boxes().stream().filter(box -> box.decision() == decision).count();
            if (count > 0) {
                text.append(text.isEmpty() ? "" : ", ").append(count).append(' ').append(decision.word());
            }
        }
        return text.toString();
    }
}
