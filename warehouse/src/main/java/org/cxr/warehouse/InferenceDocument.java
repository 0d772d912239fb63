package org.cxr.warehouse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One detector run on an image, as the warehouse keeps it inside the image's document. {@code modelClasses} are the
 * model's classes in class-id order, empty for a model that was never registered (inferences stored before the lake
 * kept a registry of models). {@code reviews} are the radiologists' reviews of it in review id order, the latest last.
 */
public record InferenceDocument(
        long inferenceId,
        Instant createdAt,
        String modelName,
        String modelVersion,
        List<String> modelClasses,
        double confidenceThreshold,
        double nmsIouThreshold,
        long durationMillis,
        Optional<String> user,
        List<Detection> detections,
        List<ReviewDocument> reviews)
{
    public InferenceDocument
    {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        modelClasses = List.copyOf(requireNonNull(modelClasses, "modelClasses"));
        requireNonNull(user, "user");
        detections = List.copyOf(requireNonNull(detections, "detections"));
        reviews = List.copyOf(requireNonNull(reviews, "reviews"));
    }
}
