package org.cxr.detector.postprocess;

import org.cxr.detector.decode.Candidate;
import org.cxr.imaging.Box;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NonMaximumSuppressionTest
{
    private static final Box LEFT = new Box(0, 0, 10, 10);
    private static final Box LEFT_SHIFTED = new Box(1, 0, 11, 10); // IoU with LEFT = 90 / 110
    private static final Box RIGHT = new Box(50, 50, 60, 60);

    @Test
    void keepsTheBestOfOverlappingBoxesOfOneClass()
    {
        List<Candidate> kept = NonMaximumSuppression.CANDIDATES.perClass(List.of(
                new Candidate(0, 0.6f, LEFT_SHIFTED),
                new Candidate(0, 0.9f, LEFT),
                new Candidate(0, 0.5f, RIGHT)), 0.5, 100);

        assertThat(kept).extracting(Candidate::score).containsExactly(0.9f, 0.5f);
    }

    @Test
    void neverSuppressesAcrossClasses()
    {
        List<Candidate> kept = NonMaximumSuppression.CANDIDATES.perClass(List.of(
                new Candidate(0, 0.9f, LEFT),
                new Candidate(1, 0.8f, LEFT)), 0.5, 100);

        assertThat(kept).hasSize(2);
    }

    @Test
    void suppressesOnlyAboveTheThreshold()
    {
        double iou = LEFT.iou(LEFT_SHIFTED);
        List<Candidate> candidates = List.of(new Candidate(0, 0.9f, LEFT), new Candidate(0, 0.8f, LEFT_SHIFTED));

        assertThat(NonMaximumSuppression.CANDIDATES.perClass(candidates, iou, 100)).hasSize(2);
        assertThat(NonMaximumSuppression.CANDIDATES.perClass(candidates, iou - 1e-9, 100)).hasSize(1);
    }

    @Test
    void stopsAtTheLimit()
    {
        List<Candidate> many = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> new Candidate(0, i / 100f, new Box(i * 20, 0, i * 20 + 10, 10)))
                .toList();

        assertThat(NonMaximumSuppression.CANDIDATES.perClass(many, 0.5, 10)).hasSize(10)
                .first().extracting(Candidate::score).isEqualTo(0.49f);
    }
}
