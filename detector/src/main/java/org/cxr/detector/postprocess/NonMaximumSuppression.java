package org.cxr.detector.postprocess;

import org.cxr.detector.decode.Candidate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Greedy per-class non-maximum suppression, as torchvision's {@code batched_nms}: highest score first, a box is
 * dropped when its IoU with a kept box of the same class is strictly above the threshold.
 */
public final class NonMaximumSuppression
{
    private NonMaximumSuppression() {}

    /** The kept candidates, highest score first. {@code maxKept} bounds the work on pathological outputs. */
    public static List<Candidate> perClass(List<Candidate> candidates, double iouThreshold, int maxKept)
    {
        List<Candidate> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble((Candidate c) -> c.score()).reversed());
        List<Candidate> kept = new ArrayList<>();
        for (Candidate candidate : sorted) {
            if (kept.size() >= maxKept) {
                break;
            }
            boolean suppressed = false;
            for (Candidate k : kept) {
                if (k.classIndex() == candidate.classIndex() && k.box().iou(candidate.box()) > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(candidate);
            }
        }
        return List.copyOf(kept);
    }
}
