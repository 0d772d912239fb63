package org.cxr.app;

import org.cxr.detector.Detection;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.Thresholds;
import org.cxr.phantom.Phantom;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed demo model run by the Java detector gives what the same network gave in PyTorch: the training script's
 * parity fixture (models/demo/parity.json) holds PyTorch's boxes for phantoms this test redraws from their seeds.
 */
class DemoModelParityTest
{
    static final Path DEMO_MODEL = TestModels.DEMO_MODEL;
    private static Detector detector;

    @BeforeAll
    static void load()
    {
        detector = Detector.load(DEMO_MODEL, DetectorOptions.defaults().withIntraOpThreads(2));
    }

    @AfterAll
    static void close()
    {
        detector.close();
    }

    @Test
    void javaDetectorMatchesPyTorchWithinOnePixelAndOneThousandthOfScore()
            throws IOException
    {
        JsonNode fixture = Json.MAPPER.readTree(DEMO_MODEL.resolve("parity.json").toFile());
        Thresholds thresholds = new Thresholds(fixture.get("confidence").asDouble(), fixture.get("nmsIou").asDouble());
        double margin = 1e-3;
        int images = 0;
        int compared = 0;
        for (JsonNode image : fixture.get("images")) {
            Phantom phantom = new PhantomGenerator().generate(PhantomGenerator.imageSeed(image.get("seed").asLong(), image.get("index").asInt()));
            assertThat(phantom.width()).isEqualTo(image.get("width").asInt());
            DetectionResult result = detector.detect(png(phantom, image.get("bitDepth").asInt()), thresholds);
            List<Detection> java = result.detections();

            List<JsonNode> reference = new ArrayList<>();
            image.get("detections").forEach(reference::add);
            // Boxes whose score sits right on the threshold may fall either side of it in float arithmetic.
            for (JsonNode expected : reference) {
                if (expected.get("score").asDouble() >= thresholds.confidence() + margin) {
                    assertThat(java).as("image %s: PyTorch box %s", image.get("index"), expected)
                            .anyMatch(d -> same(d, expected, margin));
                    compared++;
                }
            }
            for (Detection d : java) {
                if (d.score() >= thresholds.confidence() + margin) {
                    assertThat(reference).as("image %s: Java box %s", image.get("index"), d).anyMatch(e -> same(d, e, margin));
                }
            }
            images++;
        }
        assertThat(images).isGreaterThanOrEqualTo(20);
        assertThat(compared).isGreaterThanOrEqualTo(20);
    }

    private static boolean same(Detection d, JsonNode expected, double margin)
    {
        JsonNode box = expected.get("box");
        return d.classId() == expected.get("classId").asInt()
                && Math.abs(d.score() - expected.get("score").asDouble()) <= margin
                && Math.abs(d.box().xMin() - box.get(0).asDouble()) <= 1
                && Math.abs(d.box().yMin() - box.get(1).asDouble()) <= 1
                && Math.abs(d.box().xMax() - box.get(2).asDouble()) <= 1
                && Math.abs(d.box().yMax() - box.get(3).asDouble()) <= 1;
    }

    static byte[] png(Phantom phantom, int bitDepth)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(phantom.toImage(bitDepth), "png", out);
        return out.toByteArray();
    }
}
