package org.cxr.detector.postprocess;

import org.cxr.detector.Detection;
import org.cxr.detector.Thresholds;

import java.util.List;

/**
 * Applies thresholds again to detections already in image pixels: keeps scores at or above the confidence threshold,
 * then per-class NMS. Lets a caller run the model once with loose thresholds and show any stricter setting (the web
 * page does the same in JavaScript).
 */
public final class DetectionFilter
{
    private static final NonMaximumSuppression<Detection> NMS =
            new NonMaximumSuppression<>(Detection::classId, Detection::score, Detection::box);

    private DetectionFilter() {}

    public static List<Detection> apply(List<Detection> detections, Thresholds thresholds)
    {
        List<Detection> confident = detections.stream().filter(d -> d.score() >= thresholds.confidence()).toList();
        return NMS.perClass(confident, thresholds.nmsIou(), Integer.MAX_VALUE);
    }
}
