package org.cxr.detector.postprocess;

import org.cxr.detector.Detection;
import org.cxr.detector.Thresholds;
import org.cxr.imaging.Box;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DetectionFilterTest
{
    @Test
    void aStricterSettingDropsLowScoresThenOverlapsOfOneClass()
    {
        Detection best = new Detection(0, "Nodule", 0.9, new Box(0, 0, 100, 100));
        Detection overlapping = new Detection(0, "Nodule", 0.8, new Box(10, 0, 110, 100));
        Detection otherClass = new Detection(1, "Effusion", 0.7, new Box(10, 0, 110, 100));
        Detection faint = new Detection(0, "Nodule", 0.2, new Box(500, 500, 600, 600));

        List<Detection> kept = DetectionFilter.apply(List.of(faint, overlapping, otherClass, best), new Thresholds(0.5, 0.5));

        assertThat(kept).containsExactly(best, otherClass);
    }

    @Test
    void aLooserOverlapThresholdKeepsBoth()
    {
        Detection best = new Detection(0, "Nodule", 0.9, new Box(0, 0, 100, 100));
        Detection overlapping = new Detection(0, "Nodule", 0.8, new Box(10, 0, 110, 100));

        assertThat(DetectionFilter.apply(List.of(overlapping, best), new Thresholds(0.5, 0.9))).containsExactly(best, overlapping);
    }
}
