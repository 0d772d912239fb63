package org.cxr.detector;

import org.cxr.detector.model.InvalidModelException;
import org.cxr.detector.model.ModelManifest;
import org.cxr.imaging.Box;
import org.cxr.imaging.DecodedImage;
import org.cxr.imaging.ImageRejectedException;
import org.cxr.imaging.Intensity;
import org.cxr.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The detector end to end on tiny ONNX graphs (see fixtures/make_fixtures.py): each outputs fixed boxes whose scores
 * are the mean of the input tensor times fixed weights.
 */
class DetectorTest
{
    private static final Thresholds THRESHOLDS = new Thresholds(0.3, 0.5);

    static Path fixture(String name)
    {
        try {
            return Path.of(DetectorTest.class.getResource("/fixtures/" + name + "/manifest.json").toURI()).getParent();
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Detector load(String name)
    {
        return Detector.load(fixture(name), DetectorOptions.defaults().withIntraOpThreads(1));
    }

    @Test
    void demoFormatKeepsEveryClassAboveThresholdAndSuppressesOverlapsPerClass()
    {
        try (Detector detector = load("demo")) {
            DetectionResult result = detector.detect(TestImages.png(TestImages.grey(32, 32, 255)), THRESHOLDS);

            assertThat(result.imageWidth()).isEqualTo(32);
            assertThat(result.modelName()).isEqualTo("fixture-demo");
            assertThat(result.detections()).hasSize(2);
            Detection first = result.detections().get(0);
            assertThat(first.className()).isEqualTo("A");
            assertThat(first.score()).isCloseTo(0.9, within(1e-6));
            assertThat(first.box()).isEqualTo(new Box(2, 4, 10, 12));
            Detection second = result.detections().get(1);
            assertThat(second.classId()).isEqualTo(1);
            assertThat(second.score()).isCloseTo(0.8, within(1e-6));
            assertThat(second.box()).isEqualTo(new Box(16, 16, 30, 28));
        }
    }

    @Test
    void letterboxedBoxesMapBackToTheOriginalImageAndAreClamped()
    {
        try (Detector detector = load("demo")) {
            // 64x32 becomes 32x16 centred 8 pixels down: half the input is padding, so the mean (and every score) halves.
            DetectionResult result = detector.detect(TestImages.png(TestImages.grey(64, 32, 255)), THRESHOLDS);

            assertThat(result.detections()).hasSize(2);
            assertThat(result.detections().get(0).score()).isCloseTo(0.45, within(1e-6));
            assertThat(result.detections().get(1).score()).isCloseTo(0.40, within(1e-6));
            assertThat(result.detections().get(0).box()).isEqualTo(new Box(4, 0, 20, 8));
            assertThat(result.detections().get(1).box()).isEqualTo(new Box(32, 16, 60, 32));
        }
    }

    @Test
    void batchOfImagesSharesOneRunAndKeepsEachImagesResult()
    {
        try (Detector detector = load("demo")) {
            var white = detector.decode(TestImages.png(TestImages.grey(32, 32, 255)));
            var black = detector.decode(TestImages.png(TestImages.grey(32, 32, 0)));

            List<DetectionResult> results = detector.detectAll(List.of(white, black, white), THRESHOLDS);

            assertThat(results).hasSize(3);
            assertThat(results.get(0).detections()).hasSize(2);
            assertThat(results.get(1).detections()).isEmpty();
            assertThat(results.get(2).detections()).isEqualTo(results.get(0).detections());
        }
    }

    @Test
    void imagesPreparedAheadGiveTheBoxesOfTheirOwnDetectionInFullSizePixels()
    {
        try (Detector detector = load("demo")) {
            // Letterboxed (64x32 into 32x32) so that a prepared image that lost its geometry would map its boxes wrongly.
            var wide = detector.decode(TestImages.png(TestImages.grey(64, 32, 255)));
            var black = detector.decode(TestImages.png(TestImages.grey(32, 32, 0)));
            var white = detector.decode(TestImages.png(TestImages.grey(32, 32, 255)));

            List<DetectionResult> prepared = detector.detectPrepared(List.of(detector.prepare(wide), detector.prepare(black), detector.prepare(white)), THRESHOLDS);

            assertThat(prepared).extracting(DetectionResult::detections).containsExactly(
                    detector.detect(wide, THRESHOLDS).detections(), List.of(), detector.detect(white, THRESHOLDS).detections());
            assertThat(prepared.get(0).detections()).isNotEmpty();
            assertThat(prepared.get(0).imageWidth()).isEqualTo(64);
        }
    }

    @Test
    void yoloV5RowsAreCentreSizeWithObjectnessTimesClassProbability()
    {
        try (Detector detector = load("yolov5")) {
            // 128x128 stretched to 64x64: boxes double on the way back.
            DetectionResult result = detector.detect(TestImages.png(TestImages.rgb(128, 128, Color.WHITE)), THRESHOLDS);

            assertThat(result.detections()).hasSize(2);
            assertThat(result.detections().get(0).score()).isCloseTo(0.9, within(1e-6));
            assertThat(result.detections().get(0).box()).isEqualTo(new Box(30, 30, 50, 50));
            assertThat(result.detections().get(1).className()).isEqualTo("B");
            assertThat(result.detections().get(1).box()).isEqualTo(new Box(80, 60, 112, 100));
        }
    }

    @Test
    void yoloV8ChannelsFirstOutputDecodesToTheSameBoxes()
    {
        try (Detector detector = load("yolov8")) {
            DetectionResult result = detector.detect(TestImages.png(TestImages.rgb(64, 64, Color.WHITE)), THRESHOLDS);

            assertThat(result.detections()).extracting(Detection::box)
                    .containsExactly(new Box(15, 15, 25, 25), new Box(40, 30, 56, 50));
            assertThat(result.detections()).extracting(Detection::className).containsExactly("A", "B");
        }
    }

    @Test
    void boxesScoresLabelsExportsDropTheBackgroundOffsetAndUnknownLabels()
    {
        try (Detector detector = load("boxes-scores-labels")) {
            DetectionResult result = detector.detect(TestImages.png(TestImages.rgb(64, 64, Color.WHITE)), THRESHOLDS);

            // label 7 (score 0.99) is no class of this model
            assertThat(result.detections()).extracting(Detection::classId).containsExactly(0, 1);
            assertThat(result.detections().get(0).box()).isEqualTo(new Box(4, 4, 20, 20));
            assertThat(result.detections().get(1).score()).isCloseTo(0.6, within(1e-6));
        }
    }

    @Test
    void concurrentCallersShareOneSessionAndGetTheSameAnswers()
            throws Exception
    {
        try (Detector detector = load("demo")) {
            byte[] image = TestImages.png(TestImages.grey(48, 40, 200));
            DetectionResult expected = detector.detect(image, THRESHOLDS);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<DetectionResult>> futures = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    futures.add(pool.submit(() -> detector.detect(image, THRESHOLDS)));
                }
                for (Future<DetectionResult> future : futures) {
                    assertThat(future.get().detections()).isEqualTo(expected.detections());
                }
            }
            finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void unreadableImagesAreRejectedWithAReason()
    {
        try (Detector detector = load("demo")) {
            assertThatThrownBy(() -> detector.detect("%PDF-1.4 not an image".getBytes(), THRESHOLDS))
                    .isInstanceOf(ImageRejectedException.class)
                    .hasMessage("Not a PNG or JPEG image.");
        }
    }

    @Test
    void manifestThatNamesAnInputTheGraphLacksIsRefusedWithTheGraphsInputs(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("demo", dir);
        rewriteManifest(model, "\"name\": \"image\"", "\"name\": \"pixels\"");

        assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("input 'pixels' is not in the graph")
                .hasMessageContaining("[image]");
    }

    @Test
    void manifestWhoseClassesDoNotFitTheOutputIsRefused(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("yolov8", dir);
        rewriteManifest(model, "[{\"name\": \"A\"}, {\"name\": \"B\"}]", "[{\"name\": \"A\"}, {\"name\": \"B\"}, {\"name\": \"C\"}]");

        assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("YOLOv8 output has 6 at axis 1, expected 7");
    }

    @Test
    void manifestWithWrongInputSizeIsRefused(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("demo", dir);
        rewriteManifest(model, "\"width\": 32", "\"width\": 64");

        assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("has shape [-1, 1, 32, 32] but the manifest describes NCHW GRAYSCALE 64x32");
    }

    @Test
    void folderWithoutManifestOrWithBrokenManifestIsRefused(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("demo", dir);
        Files.delete(model.resolve("manifest.json"));
        assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("has no manifest.json");

        Files.writeString(model.resolve("manifest.json"), "{\"name\": \"x\", \"version\": \"1\", \"classes\": []}");
        assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("classes are missing");
    }

    @Test
    void graphThatIsNotOnnxIsRefused(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("demo", dir);
        Files.writeString(model.resolve("model.onnx"), "not a graph");

        assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                .isInstanceOf(InvalidModelException.class)
                .hasMessageContaining("ONNX Runtime cannot load");
    }

    @Test
    void manifestsWithoutAnIntensitySettingReadFullRangeValuesAsBefore()
    {
        try (Detector detector = load("demo")) {
            assertThat(detector.manifest().input().intensity()).isEqualTo(Intensity.BIT_DEPTH);
            // 12-bit data in a 16-bit PNG: value / 65535, so the mean (and every score) is 1/16 of white's.
            assertThat(detector.detect(twelveBitWhite(), THRESHOLDS).detections()).isEmpty();
        }
    }

    @Test
    void theManifestsIntensitySettingIsWhatServingApplies(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("demo", dir);
        rewriteManifest(model, "\"std\": [1.0]}", "\"std\": [1.0], \"intensity\": {\"mode\": \"significant_bits\"}}");

        try (Detector detector = Detector.load(model, DetectorOptions.defaults().withIntraOpThreads(1))) {
            assertThat(detector.manifest().input().intensity()).isEqualTo(Intensity.SIGNIFICANT_BITS);
            DetectionResult twelveBit = detector.detect(twelveBitWhite(), THRESHOLDS);
            DetectionResult eightBit = detector.detect(TestImages.png(TestImages.grey(32, 32, 255)), THRESHOLDS);
            assertThat(twelveBit.detections()).isEqualTo(eightBit.detections()).hasSize(2);
        }
    }

    @Test
    void impossibleIntensitySettingsAreRefused(@TempDir Path dir)
            throws IOException
    {
        Path model = copyFixture("demo", dir);
        String original = Files.readString(model.resolve("manifest.json"));
        String[][] cases = {
                {"{\"mode\": \"percentile_window\", \"low\": 90, \"high\": 10}", "0 <= low < high <= 100"},
                {"{\"mode\": \"bit_depth\", \"low\": 1}", "apply to PERCENTILE_WINDOW only"},
                {"{}", "input.intensity.mode is missing"}};
        for (String[] c : cases) {
            Files.writeString(model.resolve("manifest.json"), original.replace("\"std\": [1.0]}", "\"std\": [1.0], \"intensity\": " + c[0] + "}"));
            assertThatThrownBy(() -> Detector.load(model, DetectorOptions.defaults()))
                    .isInstanceOf(InvalidModelException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void largeImagesAreDecodedForDetectionAtReducedSizeAndBoxesComeBackInFullSizePixels()
    {
        // Input 32 x 32, so with the default oversampling of 4 a decode for detection keeps at least 128 x 128.
        try (Detector detector = load("demo")) {
            byte[] png = TestImages.png(TestImages.grey(512, 256, 255));

            DecodedImage reduced = detector.decodeForDetection(png);
            DecodedImage full = detector.decode(png);

            assertThat(reduced.planeWidth()).isEqualTo(256);
            assertThat(reduced.planeHeight()).isEqualTo(128);
            assertThat(full.reduced()).isFalse();
            DetectionResult result = detector.detect(png, THRESHOLDS);
            assertThat(result.imageWidth()).isEqualTo(512);
            assertThat(result.imageHeight()).isEqualTo(256);
            assertThat(result.detections()).isEqualTo(detector.detect(full, THRESHOLDS).detections());
        }
    }

    /** 32 x 32 of 4095 in a 16-bit PNG that says (sBIT) only 12 bits are used. */
    private static byte[] twelveBitWhite()
    {
        return org.cxr.imaging.ImageBytes.insertPngChunk(TestImages.png(TestImages.grey16(32, 32, 4095)), "sBIT", new byte[] {12});
    }

    private static Path copyFixture(String name, Path dir)
            throws IOException
    {
        Path target = dir.resolve(name);
        Files.createDirectories(target);
        for (String file : List.of("model.onnx", "manifest.json")) {
            Files.copy(fixture(name).resolve(file), target.resolve(file));
        }
        return target;
    }

    private static void rewriteManifest(Path model, String from, String to)
            throws IOException
    {
        Path manifest = model.resolve("manifest.json");
        String text = Files.readString(manifest);
        assertThat(text).contains(from);
        Files.writeString(manifest, text.replace(from, to));
    }
}
