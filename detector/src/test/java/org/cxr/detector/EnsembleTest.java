package org.cxr.detector;

import org.cxr.imaging.TestImages;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EnsembleTest
{
    private static Detector load(String fixture)
    {
        return Detector.load(DetectorTest.fixture(fixture), DetectorOptions.defaults().withIntraOpThreads(1));
    }

    @Test
    void anEnsembleOfOneModelTwiceAgreesWithThatModel()
    {
        byte[] image = TestImages.png(TestImages.grey(32, 32, 255));
        Thresholds thresholds = new Thresholds(0.3, 0.5);
        try (Detector single = load("demo");
                Ensemble ensemble = new Ensemble(List.of(load("demo"), load("demo")), List.of(1.0, 1.0), 0.55)) {
            List<Detection> expected = single.detect(image, thresholds).detections();
            List<Detection> fused = ensemble.detect(image, thresholds).detections();

            assertThat(fused).hasSameSizeAs(expected);
            for (int i = 0; i < fused.size(); i++) {
                assertThat(fused.get(i).score()).isCloseTo(expected.get(i).score(), within(1e-6));
                assertThat(fused.get(i).box().iou(expected.get(i).box())).isCloseTo(1.0, within(1e-9));
            }
        }
    }

    @Test
    void boxesBothModelsFoundAreFusedAndBoxesOnlyOneFoundLoseHalfTheirScore()
    {
        // On a white 64x64 image the demo fixture finds B at [32,32,60,56] (0.8) and the YOLOv8 fixture B at
        // [40,30,56,50] (0.8): IoU 0.41 fuses at 0.3. Their A boxes do not overlap enough and stay apart at 0.9 / 2.
        byte[] image = TestImages.png(TestImages.rgb(64, 64, Color.WHITE));
        try (Ensemble ensemble = new Ensemble(List.of(load("demo"), load("yolov8")), List.of(1.0, 1.0), 0.3)) {
            DetectionResult result = ensemble.detect(image, new Thresholds(0.3, 0.5));

            assertThat(result.modelName()).isEqualTo("ensemble(fixture-demo+fixture-yolov8)");
            assertThat(result.detections()).hasSize(3);
            Detection fused = result.detections().get(0);
            assertThat(fused.className()).isEqualTo("B");
            assertThat(fused.score()).isCloseTo(0.8, within(1e-6));
            assertThat(fused.box().xMin()).isCloseTo(36, within(1e-4));
            assertThat(fused.box().yMax()).isCloseTo(53, within(1e-4));
            assertThat(result.detections().subList(1, 3)).extracting(Detection::score)
                    .allSatisfy(s -> assertThat(s).isCloseTo(0.45, within(1e-6)));
        }
    }

    @Test
    void membersMustShareTheirClasses()
    {
        try (Detector demo = load("demo"); Detector other = load("demo")) {
            assertThatThrownBy(() -> new Ensemble(List.of(demo), List.of(1.0), 0.5))
                    .hasMessageContaining("at least two");
            assertThat(new Ensemble(List.of(demo, other), List.of(1.0, 2.0), 0.5)).isNotNull();
        }
    }
}
