package org.cxr.detector;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The detections of one image, with what produced them and how long it took (decode to post-processing). */
public record DetectionResult(
        int imageWidth,
        int imageHeight,
        String modelName,
        String modelVersion,
        Thresholds thresholds,
        List<Detection> detections,
        long durationNanos)
{
    public DetectionResult
    {
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(thresholds, "thresholds");
        detections = List.copyOf(detections);
    }

    public double durationMillis()
    {
        return durationNanos / 1_000_000.0;
    }
}
