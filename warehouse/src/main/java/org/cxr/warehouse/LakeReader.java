package org.cxr.warehouse;

import org.cxr.lake.ImageRecord;
import org.cxr.lake.LakeRows;
import org.cxr.lake.LakeRows.ReviewOfImage;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;
import org.cxr.lake.sql.Database;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The lake's settled inferences in id order, a page at a time, reshaped into the image documents they belong in:
 * each inference nested in its image's document, with its boxes and its model's classes. Then, separately, the
 * settled reviews in id order, each addressed to its inference's place in those documents.
 */
final class LakeReader
{
    private final LakeRows rows;

    LakeReader(Database database)
    {
        this.rows = new LakeRows(requireNonNull(database, "database"));
    }

    /** The registered models by {@code name@version}, read once a run: a model is registered before its first inference. */
    Map<String, ModelVersion> models()
    {
        Map<String, ModelVersion> models = new LinkedHashMap<>();
        rows.models().forEach(model -> models.put(model.key(), model));
        return models;
    }

    LakePage page(long afterInferenceId, int limit, Instant cutoff, Map<String, ModelVersion> models)
    {
        LakeRows.SettledPage settled = rows.settledInferences(afterInferenceId, limit, cutoff);
        if (settled.inferences().isEmpty()) {
            return LakePage.empty(afterInferenceId);
        }
        Map<String, ImageRecord> images = new LinkedHashMap<>();
        Map<String, List<InferenceDocument>> inferences = new LinkedHashMap<>();
        int boxCount = 0;
        for (StoredInference stored : settled.inferences()) {
            boxCount += stored.boxes().size();
            images.putIfAbsent(stored.image().sha256(), stored.image());
            // Reviews are not read with their inferences: they go in by the review pages, which follow.
            inferences.computeIfAbsent(stored.image().sha256(), sha256 -> new ArrayList<>()).add(LakeDocuments.inference(stored, LakeDocuments.modelClasses(stored.inference(), models), List.of()));
        }
        List<ImageDocument> documents = images.values().stream()
                .map(image -> LakeDocuments.image(image, inferences.get(image.sha256())))
                .toList();
        List<StoredInference> read = settled.inferences();
        return new LakePage(documents, read.size(), boxCount, read.get(read.size() - 1).id(), settled.last());
    }

    /**
     * The settled reviews after {@code afterReviewId}, at most {@code limit}, up to (not including) the first review of
     * an inference above {@code lastInferenceId}, which the warehouse does not hold yet: the page stops there rather
     * than skip it, so that the review watermark never passes a review that has nowhere to go yet.
     */
    ReviewPage reviewPage(long afterReviewId, int limit, Instant cutoff, long lastInferenceId)
    {
        LakeRows.SettledReviews settled = rows.settledReviews(afterReviewId, limit, cutoff);
        List<PendingReview> reviews = new ArrayList<>(settled.reviews().size());
        boolean last = settled.last();
        int boxCount = 0;
        for (ReviewOfImage row : settled.reviews()) {
            StoredReview stored = row.review();
            if (stored.inferenceId() > lastInferenceId) {
                last = true;
                break;
            }
            boxCount += stored.boxes().size();
            reviews.add(new PendingReview(row.image().sha256(), stored.inferenceId(), LakeDocuments.review(stored)));
        }
        if (reviews.isEmpty()) {
            return ReviewPage.empty(afterReviewId);
        }
        return new ReviewPage(reviews, boxCount, reviews.get(reviews.size() - 1).review().reviewId(), last);
    }
}
