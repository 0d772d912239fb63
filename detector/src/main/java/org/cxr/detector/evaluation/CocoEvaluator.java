package org.cxr.detector.evaluation;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * COCO-style average precision, computed as pycocotools does for the "all areas, 100 detections" setting: per image
 * and class, detections (best first, at most 100) are matched greedily to the unmatched reference box of highest IoU
 * at or above each IoU threshold from 0.50 to 0.95; precision is made monotone and sampled at 101 recall points.
 * Classes without reference boxes are left out of the means.
 */
public final class CocoEvaluator
{
    public static final int MAX_DETECTIONS = 100;
    private static final double[] IOU_THRESHOLDS = {0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95};

    /** A prediction on one image: the COCO category id, its score and its box in pixels. */
    public record Prediction(long imageId, int categoryId, double score, Box box) {}

    public record ClassResult(int categoryId, String name, int referenceBoxes, double ap50, double ap75, double ap) {}

    public record Result(List<ClassResult> classes, double map50, double map75, double map)
    {
        public Result
        {
            classes = List.copyOf(classes);
        }
    }

    private CocoEvaluator() {}

    public static Result evaluate(CocoDataset reference, List<Prediction> predictions)
    {
        requireNonNull(reference, "reference");
        requireNonNull(predictions, "predictions");
        Map<Long, Map<Integer, List<Box>>> truth = new HashMap<>();
        Map<Integer, Integer> counts = new HashMap<>();
        for (CocoDataset.Annotation a : reference.annotations()) {
            if (a.iscrowd() != 0) {
                continue;
            }
            Box box = new Box(a.x(), a.y(), a.x() + a.width(), a.y() + a.height());
            truth.computeIfAbsent(a.imageId(), k -> new HashMap<>()).computeIfAbsent(a.categoryId(), k -> new ArrayList<>()).add(box);
            counts.merge(a.categoryId(), 1, Integer::sum);
        }
        Map<Long, Map<Integer, List<Prediction>>> predicted = new HashMap<>();
        for (Prediction p : predictions) {
            predicted.computeIfAbsent(p.imageId(), k -> new HashMap<>()).computeIfAbsent(p.categoryId(), k -> new ArrayList<>()).add(p);
        }

        List<ClassResult> classes = new ArrayList<>();
        for (CocoDataset.Category category : reference.categories()) {
            int id = category.id();
            int references = counts.getOrDefault(id, 0);
            if (references == 0) {
                classes.add(new ClassResult(id, category.name(), 0, Double.NaN, Double.NaN, Double.NaN));
                continue;
            }
            double[] ap = new double[IOU_THRESHOLDS.length];
            for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
                ap[t] = averagePrecision(reference, truth, predicted, id, IOU_THRESHOLDS[t], references);
            }
            double mean = 0;
            for (double v : ap) {
                mean += v;
            }
            classes.add(new ClassResult(id, category.name(), references, ap[0], ap[5], mean / ap.length));
        }
        return new Result(classes, meanOf(classes, ClassResult::ap50), meanOf(classes, ClassResult::ap75), meanOf(classes, ClassResult::ap));
    }

    private record Scored(double score, boolean truePositive) {}

    private static double averagePrecision(CocoDataset reference, Map<Long, Map<Integer, List<Box>>> truth,
            Map<Long, Map<Integer, List<Prediction>>> predicted, int categoryId, double threshold, int references)
    {
        List<Scored> scored = new ArrayList<>();
        for (CocoDataset.Image image : reference.images()) {
            List<Prediction> detections = new ArrayList<>(predicted.getOrDefault(image.id(), Map.of()).getOrDefault(categoryId, List.of()));
            if (detections.isEmpty()) {
                continue;
            }
            detections.sort(Comparator.comparingDouble(Prediction::score).reversed());
            if (detections.size() > MAX_DETECTIONS) {
                detections = detections.subList(0, MAX_DETECTIONS);
            }
            List<Box> boxes = truth.getOrDefault(image.id(), Map.of()).getOrDefault(categoryId, List.of());
            boolean[] matched = new boolean[boxes.size()];
            for (Prediction d : detections) {
                int best = -1;
                double bestIou = Math.min(threshold, 1 - 1e-10);
                for (int g = 0; g < boxes.size(); g++) {
                    if (matched[g]) {
                        continue;
                    }
                    double iou = d.box().iou(boxes.get(g));
                    if (iou >= bestIou) {
                        bestIou = iou;
                        best = g;
                    }
                }
                if (best >= 0) {
                    matched[best] = true;
                }
                scored.add(new Scored(d.score(), best >= 0));
            }
        }
        // A stable sort by score, as pycocotools' mergesort.
        scored.sort(Comparator.comparingDouble(Scored::score).reversed());
        int n = scored.size();
        double[] precision = new double[n];
        double[] recall = new double[n];
        int tp = 0;
        for (int i = 0; i < n; i++) {
            if (scored.get(i).truePositive()) {
                tp++;
            }
            precision[i] = tp / (double) (i + 1);
            recall[i] = tp / (double) references;
        }
        for (int i = n - 1; i > 0; i--) {
            precision[i - 1] = Math.max(precision[i - 1], precision[i]);
        }
        double sum = 0;
        int index = 0;
        for (int r = 0; r <= 100; r++) {
            double level = r / 100.0;
            while (index < n && recall[index] < level) {
                index++;
            }
            if (index < n) {
                sum += precision[index];
            }
        }
        return sum / 101;
    }

    private static double meanOf(List<ClassResult> classes, java.util.function.ToDoubleFunction<ClassResult> value)
    {
        return classes.stream().filter(c -> c.referenceBoxes() > 0).mapToDouble(value).average().orElse(Double.NaN);
    }
}
