package org.cxr.datamart;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One inference of an image with its boxes, in box-id order so that every run writes them in the same order, the
 * classes of the model that made it (empty for a model the lake never registered), and its reviews in id order.
 */
record Inference(
        long inferenceId,
        Instant createdAt,
        String modelName,
        String modelVersion,
        List<String> modelClasses,
        double confidenceThreshold,
        double nmsIouThreshold,
        List<Detection> detections,
        List<Review> reviews)
{
    Inference
    {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        modelClasses = List.copyOf(requireNonNull(modelClasses, "modelClasses"));
        detections = List.copyOf(requireNonNull(detections, "detections"));
        reviews = List.copyOf(requireNonNull(reviews, "reviews"));
    }

    /** The model that made it: {@code name@version}. */
    String modelKey()
    {
        return modelName + "@" + modelVersion;
    }
}
