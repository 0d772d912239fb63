package org.cxr.app.review;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.StoredReview;

import java.time.Instant;
import java.util.List;

/** The JSON shapes of reviews, as the OpenAPI document describes them. */
public final class ReviewJson
{
    private ReviewJson() {}

    public record BoxJson(double xMin, double yMin, double xMax, double yMax) {}

    /** One decision as a reviewer sends it; fields that do not apply to the decision are left out. */
    public record DecisionRequest(Long predictedBoxId, String decision, Integer classId, BoxJson box) {}

    public record ReviewRequest(List<DecisionRequest> boxes, String comment) {}

    public record LabelJson(int classId, String className, BoxJson box) {}

    /** One decision as stored: {@code predictedBoxId} is null for an added box, {@code label} null for a rejected one. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record DecisionJson(long reviewBoxId, Long predictedBoxId, String decision, LabelJson label) {}

    /**
     * A finding the review leaves, with where it came from: {@code model-accepted} (a predicted box confirmed as it
     * was), {@code model-corrected} (a predicted box whose box or class the radiologist changed) or
     * {@code radiologist-added} (a finding the model missed).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ResultingLabel(int classId, String className, BoxJson box, String source, Long predictedBoxId) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ReviewResponse(long reviewId, long inferenceId, String reviewer, Instant reviewedAt, String comment, List<DecisionJson> boxes,
            List<ResultingLabel> labels, boolean noFindings) {}

    public record ReviewList(List<ReviewResponse> items) {}

    public static ReviewResponse of(StoredReview review)
    {
        List<DecisionJson> decisions = review.boxes().stream()
                .map(box -> new DecisionJson(box.id(), box.predictedBoxId().orElse(null), box.decision().word(), box.label().map(ReviewJson::label).orElse(null)))
                .toList();
        List<ResultingLabel> labels = review.labelled().stream().map(ReviewJson::resulting).toList();
        return new ReviewResponse(review.id(), review.inferenceId(), review.review().reviewer(), review.reviewedAt(), review.review().comment().orElse(null),
                decisions, labels, labels.isEmpty());
    }

    /** The lineage word of a decision that leaves a label, as the data mart writes it too. */
    public static String source(ReviewDecision decision)
    {
        return switch (decision) {
            case ACCEPTED -> "model-accepted";
            case CORRECTED -> "model-corrected";
            case ADDED -> "radiologist-added";
            case REJECTED -> throw new IllegalArgumentException("a rejected box leaves no label");
        };
    }

    private static ResultingLabel resulting(ReviewBoxRecord box)
    {
        ReviewLabel label = box.label().orElseThrow();
        return new ResultingLabel(label.classId(), label.className(), boxOf(label), source(box.decision()), box.predictedBoxId().orElse(null));
    }

    private static LabelJson label(ReviewLabel label)
    {
        return new LabelJson(label.classId(), label.className(), boxOf(label));
    }

    private static BoxJson boxOf(ReviewLabel label)
    {
        return new BoxJson(label.xMin(), label.yMin(), label.xMax(), label.yMax());
    }
}
