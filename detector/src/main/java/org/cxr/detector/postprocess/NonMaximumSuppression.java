package org.cxr.detector.postprocess;

import org.cxr.detector.decode.Candidate;
import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;

/**
 * Greedy per-class non-maximum suppression, as torchvision's {@code batched_nms}: highest score first, a box is
 * dropped when its IoU with a kept box of the same class is strictly above the threshold. The one implementation for
 * the decoders' candidates and for re-filtering detections already in image pixels.
 */
public final class NonMaximumSuppression<T>
{
    /** For the decoders' candidates, in the model input's pixels. */
    public static final NonMaximumSuppression<Candidate> CANDIDATES =
            new NonMaximumSuppression<>(Candidate::classIndex, Candidate::score, Candidate::box);

    private final ToIntFunction<T> classOf;
    private final ToDoubleFunction<T> scoreOf;
    private final Function<T, Box> boxOf;

    public NonMaximumSuppression(ToIntFunction<T> classOf, ToDoubleFunction<T> scoreOf, Function<T, Box> boxOf)
    {
        this.classOf = classOf;
        this.scoreOf = scoreOf;
        this.boxOf = boxOf;
    }

    /** The kept items, highest score first. {@code maxKept} bounds the work on pathological outputs. */
    public List<T> perClass(List<T> items, double iouThreshold, int maxKept)
    {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingDouble(scoreOf).reversed());
        List<T> kept = new ArrayList<>();
        for (T item : sorted) {
            if (kept.size() >= maxKept) {
                break;
            }
            if (!suppressed(item, kept, iouThreshold)) {
                kept.add(item);
            }
        }
        return List.copyOf(kept);
    }

    private boolean suppressed(T item, List<T> kept, double iouThreshold)
    {
        int classId = classOf.applyAsInt(item);
        Box box = boxOf.apply(item);
        for (T k : kept) {
            if (classOf.applyAsInt(k) == classId && boxOf.apply(k).iou(box) > iouThreshold) {
                return true;
            }
        }
        return false;
    }
}
