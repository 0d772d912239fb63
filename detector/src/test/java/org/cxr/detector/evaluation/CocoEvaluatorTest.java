package org.cxr.detector.evaluation;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.evaluation.CocoEvaluator.Prediction;
import org.cxr.imaging.Box;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CocoEvaluatorTest
{
    private static final List<CocoDataset.Category> CATEGORIES = List.of(
            new CocoDataset.Category(1, "Cardiomegaly", null),
            new CocoDataset.Category(2, "Nodule/Mass", null),
            new CocoDataset.Category(3, "ILD", null));

    private static CocoDataset.Annotation box(long id, long image, int category, double x, double y, double w, double h)
    {
        return new CocoDataset.Annotation(id, image, category, new double[] {x, y, w, h}, w * h, 0, null, null);
    }

    private static CocoDataset dataset(List<CocoDataset.Annotation> annotations)
    {
        List<CocoDataset.Image> images = List.of(
                new CocoDataset.Image(1, "a.png", 100, 100, null),
                new CocoDataset.Image(2, "b.png", 100, 100, null));
        return new CocoDataset(null, null, CATEGORIES, images, annotations);
    }

    @Test
    void perfectPredictionsScoreOneAndClassesWithoutReferencesAreLeftOut()
    {
        CocoDataset reference = dataset(List.of(box(1, 1, 1, 10, 10, 50, 40), box(2, 2, 2, 5, 5, 10, 10)));
        List<Prediction> predictions = List.of(
                new Prediction(1, 1, 0.9, new Box(10, 10, 60, 50)),
                new Prediction(2, 2, 0.8, new Box(5, 5, 15, 15)));

        CocoEvaluator.Result result = CocoEvaluator.evaluate(reference, predictions);

        assertThat(result.map50()).isEqualTo(1.0);
        assertThat(result.map()).isEqualTo(1.0);
        assertThat(result.classes().get(2).referenceBoxes()).isZero();
        assertThat(result.classes().get(2).ap()).isNaN();
    }

    @Test
    void aFalsePositiveRankedFirstHalvesPrecisionAtFullRecall()
    {
        // One reference; the best-scored prediction is elsewhere, the second one is right.
        CocoDataset reference = dataset(List.of(box(1, 1, 1, 10, 10, 20, 20)));
        List<Prediction> predictions = List.of(
                new Prediction(2, 1, 0.9, new Box(10, 10, 30, 30)),
                new Prediction(1, 1, 0.8, new Box(10, 10, 30, 30)));

        CocoEvaluator.Result result = CocoEvaluator.evaluate(reference, predictions);

        // precision is 0.5 at every recall level from 0 to 1
        assertThat(result.classes().get(0).ap50()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void aBoxFoundHalfTheTimeReachesHalfRecall()
    {
        CocoDataset reference = dataset(List.of(box(1, 1, 2, 0, 0, 10, 10), box(2, 2, 2, 0, 0, 10, 10)));
        List<Prediction> predictions = List.of(new Prediction(1, 2, 0.7, new Box(0, 0, 10, 10)));

        CocoEvaluator.Result result = CocoEvaluator.evaluate(reference, predictions);

        // recall levels 0.00..0.50 (51 of 101) have precision 1
        assertThat(result.classes().get(1).ap50()).isCloseTo(51 / 101.0, within(1e-12));
    }

    @Test
    void looseBoxesCountAtLowIouThresholdsOnly()
    {
        CocoDataset reference = dataset(List.of(box(1, 1, 1, 0, 0, 100, 100)));
        // IoU = 0.64: a hit at 0.50 .. 0.60, a miss from 0.65
        List<Prediction> predictions = List.of(new Prediction(1, 1, 0.9, new Box(0, 0, 80, 80)));

        CocoEvaluator.ClassResult result = CocoEvaluator.evaluate(reference, predictions).classes().get(0);

        assertThat(result.ap50()).isEqualTo(1.0);
        assertThat(result.ap75()).isEqualTo(0.0);
        assertThat(result.ap()).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void oneReferenceIsMatchedOnceAndDuplicatesAreFalsePositives()
    {
        CocoDataset reference = dataset(List.of(box(1, 1, 1, 0, 0, 10, 10)));
        List<Prediction> predictions = new ArrayList<>();
        predictions.add(new Prediction(1, 1, 0.9, new Box(0, 0, 10, 10)));
        predictions.add(new Prediction(1, 1, 0.95, new Box(0, 0, 10, 10.5)));

        CocoEvaluator.ClassResult result = CocoEvaluator.evaluate(reference, predictions).classes().get(0);

        // the 0.95 box takes the match; the duplicate only adds a false positive after full recall
        assertThat(result.ap50()).isEqualTo(1.0);
    }
}
