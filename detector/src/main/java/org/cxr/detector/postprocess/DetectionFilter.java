package org.cxr.detector.postprocess;

import org.cxr.detector.Detection;
import org.cxr.detector.Thresholds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Applies thresholds again to detections already in image pixels: keeps scores at or above the confidence threshold,
 * then greedy per-class NMS. Lets a caller run the model once with loose thresholds and show any stricter setting
 * (the web page does the same in JavaScript).
 */
public final class DetectionFilter
{
    private DetectionFilter() {}

    public static List<Detection> apply(List<Detection> detections, Thresholds thresholds)
    {
        List<Detection> sorted = new ArrayList<>();
        for (Detection d : detections) {
            if (d.score() >= thresholds.confidence()) {
                sorted.add(d);
            }
        }
        sorted.sort(Comparator.comparingDouble(Detection::score).reversed());
        List<Detection> kept = new ArrayList<>();
        for (Detection d : sorted) {
            boolean suppressed = false;
            for (Detection k : kept) {
                if (k.classId() == d.classId() && k.box().iou(d.box()) > thresholds.nmsIou()) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(d);
            }
        }
        return List.copyOf(kept);
    }
}
