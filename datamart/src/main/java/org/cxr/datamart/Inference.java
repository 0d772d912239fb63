package org.cxr.datamart;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** One inference of an image with its boxes, in box-id order so that every run writes them in the same order. */
record Inference(
        long inferenceId,
        Instant createdAt,
        String modelName,
        String modelVersion,
        double confidenceThreshold,
        double nmsIouThreshold,
        List<Detection> detections)
{
    Inference
    {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        detections = List.copyOf(requireNonNull(detections, "detections"));
    }
}
