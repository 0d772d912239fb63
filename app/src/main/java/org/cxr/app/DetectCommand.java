package org.cxr.app;

import org.cxr.detector.Detection;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.ImageDetector;
import org.cxr.detector.Thresholds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "detect", mixinStandardHelpOptions = true,
        description = "Detect findings in a PNG or JPEG chest X-ray and print them as JSON (boxes in image pixels).")
final class DetectCommand
        implements Callable<Integer>
{
    @Parameters(paramLabel = "IMAGE", description = "PNG or JPEG file.")
    Path image;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--confidence", paramLabel = "X", description = "Lowest score kept, 0..1 (default: the model's).")
    Double confidence;

    @Option(names = "--nms-iou", paramLabel = "Y", description = "NMS IoU threshold, 0..1 (default: the model's).")
    Double nmsIou;

    record Output(String image, int width, int height, Model model, Thresholds thresholds, double durationMs, List<Found> detections) {}

    record Model(String name, String version) {}

    record Found(int classId, String className, double score, Coordinates box) {}

    record Coordinates(double xMin, double yMin, double xMax, double yMax) {}

    @Override
    public Integer call()
            throws IOException
    {
        if (!Files.isRegularFile(image)) {
            throw new IllegalArgumentException("No such file: " + image);
        }
        byte[] bytes = Files.readAllBytes(image);
        try (ImageDetector detector = modelOption.load()) {
            Thresholds defaults = detector.defaultThresholds();
            Thresholds thresholds = new Thresholds(
                    confidence == null ? defaults.confidence() : confidence,
                    nmsIou == null ? defaults.nmsIou() : nmsIou);
            DetectionResult result = detector.detect(bytes, thresholds);
            List<Found> found = result.detections().stream().map(DetectCommand::found).toList();
            Output output = new Output(image.toString(), result.imageWidth(), result.imageHeight(),
                    new Model(result.modelName(), result.modelVersion()), thresholds,
                    round(result.durationMillis(), 2), found);
            System.out.println(Json.MAPPER.writeValueAsString(output));
        }
        return 0;
    }

    private static Found found(Detection d)
    {
        return new Found(d.classId(), d.className(), round(d.score(), 4), new Coordinates(
                round(d.box().xMin(), 1), round(d.box().yMin(), 1), round(d.box().xMax(), 1), round(d.box().yMax(), 1)));
    }

    static double round(double v, int digits)
    {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
