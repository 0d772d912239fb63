package org.cxr.detector.evaluation;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.evaluation.CocoEvaluator.Prediction;
import org.cxr.imaging.Box;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Precision and recall of the boxes a model keeps at the thresholds it serves with (not over all scores, as AP is):
 * what a radiologist sees. Per image and class, kept boxes (best first) are matched as {@link GreedyMatch} does; a
 * match is a true positive, an unmatched box a false positive, an unmatched reference box a false negative.
 */
public final class OperatingPoint
{
    public record Counts(int categoryId, String name, int truePositives, int falsePositives, int falseNegatives)
    {
        /** Null when the model kept no box of the class. */
        public Double precision()
        {
            int kept = truePositives + falsePositives;
            return kept == 0 ? null : truePositives / (double) kept;
        }

        /** Null when the reference has no box of the class. */
        public Double recall()
        {
            int reference = truePositives + falseNegatives;
            return reference == 0 ? null : truePositives / (double) reference;
        }
    }

    public record Result(List<Counts> classes, Counts all, double minScore, double minIou)
    {
        public Result
        {
            classes = List.copyOf(classes);
        }
    }

    private OperatingPoint() {}

    /** The predictions scoring at least {@code minScore} matched to the reference at IoU {@code minIou} or more. */
    public static Result evaluate(CocoDataset reference, List<Prediction> predictions, double minScore, double minIou)
    {
        requireNonNull(reference, "reference");
        requireNonNull(predictions, "predictions");
        Map<Long, Map<Integer, List<Box>>> truth = new HashMap<>();
        for (CocoDataset.Annotation a : reference.annotations()) {
            if (a.iscrowd() == 0) {
                truth.computeIfAbsent(a.imageId(), k -> new HashMap<>()).computeIfAbsent(a.categoryId(), k -> new ArrayList<>())
                        .add(new Box(a.x(), a.y(), a.x() + a.width(), a.y() + a.height()));
            }
        }
        Map<Long, Map<Integer, List<Prediction>>> kept = new HashMap<>();
        for (Prediction p : predictions) {
            if (p.score() >= minScore) {
                kept.computeIfAbsent(p.imageId(), k -> new HashMap<>()).computeIfAbsent(p.categoryId(), k -> new ArrayList<>()).add(p);
            }
        }
        List<Counts> classes = new ArrayList<>();
        int tpAll = 0;
        int fpAll = 0;
        int fnAll = 0;
        for (CocoDataset.Category category : reference.categories()) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (CocoDataset.Image image : reference.images()) {
                List<Box> boxes = truth.getOrDefault(image.id(), Map.of()).getOrDefault(category.id(), List.of());
                List<Prediction> mine = new ArrayList<>(kept.getOrDefault(image.id(), Map.of()).getOrDefault(category.id(), List.of()));
                mine.sort(Comparator.comparingDouble(Prediction::score).reversed());
                int[] matches = GreedyMatch.match(boxes, mine.stream().map(Prediction::box).toList(), minIou);
                int hits = (int) Arrays.stream(matches).filter(m -> m >= 0).count();
                tp += hits;
                fp += matches.length - hits;
                fn += boxes.size() - hits;
            }
            classes.add(new Counts(category.id(), category.name(), tp, fp, fn));
            tpAll += tp;
            fpAll += fp;
            fnAll += fn;
        }
        return new Result(classes, new Counts(0, "all", tpAll, fpAll, fnAll), minScore, minIou);
    }
}
