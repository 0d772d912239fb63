package org.cxr.app;

import org.cxr.detector.Detection;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.ImageDetector;
import org.cxr.detector.Thresholds;
import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.coco.CocoFiles;
import org.cxr.detector.evaluation.CocoEvaluator;
import org.cxr.detector.evaluation.CocoEvaluator.Prediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "COCO-style AP per class, mAP@0.5 and mAP@[.5:.95] of a model on a COCO dataset.")
final class EvaluateCommand
        implements Callable<Integer>
{
    @Mixin
    ModelOption modelOption;

    @Option(names = "--dataset", required = true, paramLabel = "COCO_JSON", description = "COCO annotations; image file names are relative to its folder.")
    Path dataset;

    @Option(names = "--image-root", paramLabel = "DIR",
            description = "Folder the images' file_name values are relative to (default: the COCO file's folder; a data mart export: its top folder).")
    Path imageRoot;

    @Option(names = "--confidence", defaultValue = "0.01", description = "Lowest score kept (default: ${DEFAULT-VALUE}; AP wants low).")
    double confidence;

    @Option(names = "--nms-iou", description = "NMS IoU threshold (default: the model's).")
    Double nmsIou;

    @Option(names = "--workers", description = "Images evaluated at once (default: available processors).")
    Integer workers;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON here.")
    Path json;

    @Override
    public Integer call()
            throws IOException, InterruptedException
    {
        CocoDataset reference = CocoFiles.read(dataset);
        Path root = imageRoot != null ? imageRoot.toAbsolutePath() : dataset.toAbsolutePath().getParent();
        try (ImageDetector detector = modelOption.load()) {
            Thresholds thresholds = new Thresholds(confidence, nmsIou == null ? detector.defaultThresholds().nmsIou() : nmsIou);
            Map<Integer, Integer> categoryOfClass = categoryOfClass(detector.classNames(), reference);
            int parallel = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
            ExecutorService pool = Executors.newFixedThreadPool(parallel);
            long start = System.nanoTime();
            try {
                List<Future<List<Prediction>>> futures = new ArrayList<>();
                for (CocoDataset.Image image : reference.images()) {
                    futures.add(pool.submit(() -> predict(detector, root.resolve(image.fileName()), image.id(), thresholds, categoryOfClass)));
                }
                List<Prediction> predictions = new ArrayList<>();
                for (Future<List<Prediction>> future : futures) {
                    predictions.addAll(future.get());
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                CocoEvaluator.Result result = CocoEvaluator.evaluate(reference, predictions);
                print(result, reference.images().size(), seconds);
                if (json != null) {
                    Json.MAPPER.writeValue(json.toFile(), result);
                }
            }
            catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
            finally {
                pool.shutdownNow();
            }
        }
        return 0;
    }

    private static List<Prediction> predict(ImageDetector detector, Path file, long imageId, Thresholds thresholds, Map<Integer, Integer> categoryOfClass)
            throws IOException
    {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("Image of the dataset not found: " + file);
        }
        DetectionResult result = detector.detect(Files.readAllBytes(file), thresholds);
        List<Prediction> predictions = new ArrayList<>();
        for (Detection d : result.detections()) {
            Integer category = categoryOfClass.get(d.classId());
            if (category != null) {
                predictions.add(new Prediction(imageId, category, d.score(), d.box()));
            }
        }
        return predictions;
    }

    /** Model classes match COCO categories by name; without a single match, class i is category i + 1. */
    static Map<Integer, Integer> categoryOfClass(List<String> classNames, CocoDataset reference)
    {
        Map<Integer, Integer> byName = new HashMap<>();
        for (int i = 0; i < classNames.size(); i++) {
            for (CocoDataset.Category c : reference.categories()) {
                if (c.name().equalsIgnoreCase(classNames.get(i))) {
                    byName.put(i, c.id());
                }
            }
        }
        if (!byName.isEmpty()) {
            return byName;
        }
        Map<Integer, Integer> byIndex = new HashMap<>();
        for (int i = 0; i < classNames.size(); i++) {
            byIndex.put(i, i + 1);
        }
        return byIndex;
    }

    private void print(CocoEvaluator.Result result, int images, double seconds)
    {
        System.out.printf(Locale.ROOT, "%s on %d images of %s (%.1f s)%n", modelOption.models.isEmpty() ? "Default model" : modelOption.models, images, dataset, seconds);
        System.out.printf(Locale.ROOT, "%-22s %6s %8s %8s %12s%n", "class", "boxes", "AP50", "AP75", "AP[.5:.95]");
        for (CocoEvaluator.ClassResult c : result.classes()) {
            System.out.printf(Locale.ROOT, "%-22s %6d %8.3f %8.3f %12.3f%n", c.name(), c.referenceBoxes(), c.ap50(), c.ap75(), c.ap());
        }
        System.out.printf(Locale.ROOT, "%-22s %6s %8.3f %8.3f %12.3f%n", "mean", "", result.map50(), result.map75(), result.map());
    }
}
