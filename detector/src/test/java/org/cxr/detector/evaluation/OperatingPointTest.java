package org.cxr.detector.evaluation;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.evaluation.CocoEvaluator.Prediction;
import org.cxr.imaging.Box;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OperatingPointTest
{
    private static final List<CocoDataset.Category> CATEGORIES = List.of(new CocoDataset.Category(1, "Cardiomegaly", null), new CocoDataset.Category(2, "ILD", null));

    private static CocoDataset.Annotation box(long id, long image, int category, double x, double y, double w, double h)
    {
        return new CocoDataset.Annotation(id, image, category, new double[] {x, y, w, h}, w * h, 0, null, null);
    }

    @Test
    void keptBoxesAreMatchedOnceAtTheIouThresholdAndTheRestCountAsFalsePositivesOrMisses()
    {
        CocoDataset reference = new CocoDataset(null, null, CATEGORIES,
                List.of(new CocoDataset.Image(1, "a.png", 100, 100, null), new CocoDataset.Image(2, "b.png", 100, 100, null)),
                List.of(box(1, 1, 1, 10, 10, 40, 40), box(2, 2, 2, 0, 0, 20, 20), box(3, 2, 2, 50, 50, 20, 20)));
        List<Prediction> predictions = List.of(
                new Prediction(1, 1, 0.9, new Box(10, 10, 50, 50)),   // true positive
                new Prediction(1, 1, 0.8, new Box(12, 12, 50, 50)),   // the same finding again: false positive
                new Prediction(2, 2, 0.7, new Box(0, 0, 20, 20)),     // true positive
                new Prediction(2, 2, 0.2, new Box(50, 50, 70, 70)),   // below the threshold: not kept, so a miss
                new Prediction(2, 1, 0.95, new Box(80, 80, 90, 90))); // wrong place and class: false positive

        OperatingPoint.Result result = OperatingPoint.evaluate(reference, predictions, 0.3, 0.5);

        assertThat(result.classes()).containsExactly(
                new OperatingPoint.Counts(1, "Cardiomegaly", 1, 2, 0),
                new OperatingPoint.Counts(2, "ILD", 1, 0, 1));
        assertThat(result.all().precision()).isEqualTo(2 / 4.0);
        assertThat(result.all().recall()).isEqualTo(2 / 3.0);
        assertThat(OperatingPoint.evaluate(reference, predictions, 0.1, 0.5).all().recall()).isEqualTo(1.0);
        assertThat(new OperatingPoint.Counts(1, "x", 0, 0, 0).precision()).isNull();
    }
}
