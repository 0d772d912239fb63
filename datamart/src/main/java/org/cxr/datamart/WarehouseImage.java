package org.cxr.datamart;

import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What the export needs of one warehouse document: where the bytes are, and its inferences (with their reviews), latest
 * first.
 */
record WarehouseImage(
        String sha256,
        long imageId,
        String bucket,
        String objectKey,
        MediaType mediaType,
        int width,
        int height,
        List<Inference> inferences)
{
    WarehouseImage
    {
        ContentHash.checkSha256(sha256);
        requireNonNull(bucket, "bucket");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(mediaType, "mediaType");
        inferences = List.copyOf(requireNonNull(inferences, "inferences"));
    }

    /** The latest inference (greatest {@code createdAt}, then {@code inferenceId}): an unreviewed image's predictions. */
    Optional<Inference> inference()
    {
        return inferences.isEmpty() ? Optional.empty() : Optional.of(inferences.get(0));
    }

    /**
     * The latest review of the image, whichever of its inferences it is of (greatest {@code reviewedAt}, then
     * {@code reviewId}), with that inference: the image's ground truth.
     */
    Optional<Reviewed> reviewed()
    {
        Reviewed latest = null;
        for (Inference inference : inferences) {
            for (Review review : inference.reviews()) {
                if (latest == null || review.reviewedAt().isAfter(latest.review().reviewedAt())
                        || (review.reviewedAt().equals(latest.review().reviewedAt()) && review.reviewId() > latest.review().reviewId())) {
                    latest = new Reviewed(inference, review);
                }
            }
        }
        return Optional.ofNullable(latest);
    }

    /** A review and the inference it decided about. */
    record Reviewed(Inference inference, Review review) {}
}
