package org.cxr.detector.postprocess;

import org.cxr.detector.Detection;
import org.cxr.imaging.Box;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WeightedBoxesFusionTest
{
    private static Detection nodule(double score, double x0, double y0, double x1, double y1)
    {
        return new Detection(4, "Nodule/Mass", score, new Box(x0, y0, x1, y1));
    }

    @Test
    void overlappingBoxesOfTwoModelsBecomeTheirScoreWeightedMean()
    {
        WeightedBoxesFusion wbf = new WeightedBoxesFusion(0.55, 0.0, List.of(1.0, 1.0));

        List<Detection> fused = wbf.fuse(List.of(
                List.of(nodule(0.9, 10, 10, 20, 20)),
                List.of(nodule(0.6, 12, 10, 22, 20))));

        assertThat(fused).hasSize(1);
        Box box = fused.get(0).box();
        assertThat(box.xMin()).isCloseTo((10 * 0.9 + 12 * 0.6) / 1.5, within(1e-9));
        assertThat(box.xMax()).isCloseTo((20 * 0.9 + 22 * 0.6) / 1.5, within(1e-9));
        assertThat(fused.get(0).score()).isCloseTo(0.75, within(1e-9));
    }

    @Test
    void aBoxOnlyOneOfTwoModelsFoundKeepsHalfItsScore()
    {
        WeightedBoxesFusion wbf = new WeightedBoxesFusion(0.55, 0.0, List.of(1.0, 1.0));

        List<Detection> fused = wbf.fuse(List.of(List.of(nodule(0.8, 0, 0, 10, 10)), List.of()));

        assertThat(fused).singleElement().extracting(Detection::score).isEqualTo(0.4);
    }

    @Test
    void modelWeightsShiftTheFusedBoxTowardsTheTrustedModel()
    {
        WeightedBoxesFusion wbf = new WeightedBoxesFusion(0.5, 0.0, List.of(3.0, 1.0));

        Detection fused = wbf.fuse(List.of(
                List.of(nodule(0.5, 0, 0, 10, 10)),
                List.of(nodule(0.5, 2, 0, 12, 10)))).get(0);

        assertThat(fused.box().xMin()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void differentClassesAndDistantBoxesStaySeparateAndLowScoresAreSkipped()
    {
        WeightedBoxesFusion wbf = new WeightedBoxesFusion(0.55, 0.1, List.of(1.0, 1.0));

        List<Detection> fused = wbf.fuse(List.of(
                List.of(nodule(0.9, 0, 0, 10, 10), new Detection(1, "Cardiomegaly", 0.7, new Box(0, 0, 10, 10))),
                List.of(nodule(0.8, 100, 100, 110, 110), nodule(0.05, 0, 0, 10, 10))));

        assertThat(fused).hasSize(3);
        assertThat(fused).extracting(Detection::score).containsExactly(0.45, 0.4, 0.35);
    }

    @Test
    void needsOneDetectionListPerModel()
    {
        WeightedBoxesFusion wbf = new WeightedBoxesFusion(0.55, 0.0, List.of(1.0, 1.0));

        assertThatThrownBy(() -> wbf.fuse(List.of(List.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 2");
    }
}
