package org.cxr.lake;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What one detector run on an upload produced, and the settings it ran with: an inference to store. */
public record NewInference(
        double confidenceThreshold,
        double nmsIouThreshold,
        String modelName,
        String modelVersion,
        long durationMillis,
        Optional<String> userName,
        List<PredictedBox> boxes)
{
    public NewInference
    {
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(userName, "userName");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
        if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) {
            throw new IllegalArgumentException("confidence threshold must be between 0 and 1, got " + confidenceThreshold);
        }
        if (!(nmsIouThreshold > 0 && nmsIouThreshold <= 1)) {
            throw new IllegalArgumentException("NMS IoU threshold must be greater than 0 and at most 1, got " + nmsIouThreshold);
        }
        if (durationMillis < 0) {
            throw new IllegalArgumentException("duration must not be negative, got " + durationMillis);
        }
    }
}
