package org.cxr.lake;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One inference as stored: its image, its settings and all its boxes, best score first. */
public record StoredInference(
        long id,
        ImageRecord image,
        Instant createdAt,
        double confidenceThreshold,
        double nmsIouThreshold,
        String modelName,
        String modelVersion,
        long durationMillis,
        Optional<String> userName,
        List<PredictedBox> boxes)
{
    public StoredInference
    {
        requireNonNull(image, "image");
        requireNonNull(createdAt, "createdAt");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(userName, "userName");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
    }
}
