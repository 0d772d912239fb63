package org.cxr.app;

import org.cxr.detector.Detection;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.ImageDetector;
import org.cxr.detector.Thresholds;
import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.coco.CocoFiles;
import org.cxr.detector.evaluation.CocoEvaluator;
import org.cxr.detector.evaluation.CocoEvaluator.Prediction;
import org.cxr.detector.evaluation.OperatingPoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How good a model is on a labelled dataset: COCO-style AP per class and the means, and the precision and recall of
 * what it keeps at its own default thresholds (what a radiologist would see). With {@code --compare} several model
 * folders are evaluated on the same images side by side: the check before switching {@code CXR_MODEL_DIR}. The data
 * mart's reviewed splits ({@code --datamart DIR}) are the dataset that matters: labels radiologists confirmed.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"COCO-style AP per class, mAP@0.5 and mAP@[.5:.95], and precision and recall at each model's default thresholds, on a COCO dataset.",
                "Compare models on the data mart's reviewed labels: cxr evaluate --datamart DIR --compare MODEL_A --compare MODEL_B"})
final class EvaluateCommand
        implements Callable<Integer>
{
    /** A prediction and a reference box are the same finding from this IoU on (precision and recall). */
    private static final double MATCH_IOU = 0.5;

    @Mixin
    ModelOption modelOption;

    @Option(names = "--compare", paramLabel = "DIR",
            description = "A model folder to evaluate on its own, side by side with the others given; repeat for each. Instead of --model.")
    List<Path> compare = new ArrayList<>();

    @Option(names = "--dataset", paramLabel = "COCO_JSON", description = "COCO annotations; image file names are relative to its folder unless --image-root says otherwise.")
    Path dataset;

    @Option(names = "--datamart", paramLabel = "DIR",
            description = "A data mart folder: evaluate on its reviewed split (--split), with the images it holds. Instead of --dataset.")
    Path dataMart;

    @Option(names = "--split", defaultValue = "val", paramLabel = "SPLIT", description = "With --datamart: train or val (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--image-root", paramLabel = "DIR",
            description = "Folder the images' file_name values are relative to (default: the COCO file's folder; a data mart export: its top folder).")
    Path imageRoot;

    @Option(names = "--confidence", defaultValue = "0.01", description = "Lowest score kept for AP (default: ${DEFAULT-VALUE}; AP wants low).")
    double confidence;

    @Option(names = "--nms-iou", description = "NMS IoU threshold (default: each model's).")
    Double nmsIou;

    @Option(names = "--workers", description = "Images evaluated at once (default: available processors).")
    Integer workers;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON here.")
    Path json;

    /** One model's numbers on the dataset. */
    record Evaluation(String model, String folder, CocoEvaluator.Result ap, OperatingPoint.Result atDefaults, double defaultConfidence) {}

    @Override
    public Integer call()
            throws IOException, InterruptedException
    {
        Path annotations = annotationFile();
        Path root = imageRoot != null ? imageRoot.toAbsolutePath() : (dataMart != null ? dataMart.toAbsolutePath() : annotations.toAbsolutePath().getParent());
        if (!Files.isRegularFile(annotations)) {
            throw new IllegalArgumentException("No such COCO file: " + annotations + (dataMart != null ? " (run the data mart export first: cxr datamart)" : ""));
        }
        CocoDataset reference = CocoFiles.read(annotations);
        if (reference.images().isEmpty()) {
            System.err.println("cxr: " + annotations + " holds no images" + (dataMart != null
                    ? ": nobody has reviewed an image of the " + split + " split yet. Review studies on the worklist, run the pipelines, and try again."
                    : "."));
            return 1;
        }
        List<Evaluation> evaluations = new ArrayList<>();
        long start = System.nanoTime();
        if (compare.isEmpty()) {
            try (ImageDetector detector = modelOption.load()) {
                String name = modelOption.models.isEmpty() ? "default model" : modelOption.models.toString();
                evaluations.add(evaluate(detector, name, modelOption.models.isEmpty() ? ModelOption.defaultFolder().toString() : modelOption.models.toString(), reference, root));
            }
        }
        else {
            for (Path folder : compare) {
                try (Detector detector = Detector.load(folder, DetectorOptions.defaults().withIntraOpThreads(modelOption.threads))) {
                    // Named by the folder too: a retrained model often keeps the name and version of the one it replaces.
                    String name = detector.manifest().name() + " " + detector.manifest().version() + " (" + folder.toAbsolutePath().normalize().getFileName() + ")";
                    evaluations.add(evaluate(detector, name, folder.toString(), reference, root));
                }
            }
        }
        print(evaluations, reference, annotations, (System.nanoTime() - start) / 1e9);
        if (json != null) {
            Json.MAPPER.writeValue(json.toFile(), evaluations.size() == 1 && compare.isEmpty() ? single(evaluations.get(0)) : compared(evaluations, reference, annotations));
        }
        return 0;
    }

    private Path annotationFile()
    {
        if ((dataset == null) == (dataMart == null)) {
            throw new IllegalArgumentException("Give the dataset as --dataset COCO_JSON or as --datamart DIR (its reviewed --split), not both or neither.");
        }
        if (!compare.isEmpty() && !modelOption.models.isEmpty()) {
            throw new IllegalArgumentException("Give either --model (one model, or an ensemble when repeated) or --compare (models side by side), not both.");
        }
        if (dataset != null) {
            return dataset;
        }
        if (!split.equals("train") && !split.equals("val")) {
            throw new IllegalArgumentException("--split is train or val, not '" + split + "'.");
        }
        return dataMart.resolve("annotations").resolve(split + ".json");
    }

    private Evaluation evaluate(ImageDetector detector, String name, String folder, CocoDataset reference, Path root)
            throws InterruptedException
    {
        Thresholds defaults = detector.defaultThresholds();
        Thresholds thresholds = new Thresholds(Math.min(confidence, defaults.confidence()), nmsIou == null ? defaults.nmsIou() : nmsIou);
        Map<Integer, Integer> categoryOfClass = categoryOfClass(detector.classNames(), reference);
        int parallel = workers == null ? Runtime.getRuntime().availableProcessors() : workers;
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<List<Prediction>>> futures = new ArrayList<>();
            for (CocoDataset.Image image : reference.images()) {
                futures.add(pool.submit(() -> predict(detector, root.resolve(image.fileName()), image.id(), thresholds, categoryOfClass)));
            }
            List<Prediction> predictions = new ArrayList<>();
            for (Future<List<Prediction>> future : futures) {
                predictions.addAll(future.get());
            }
            return new Evaluation(name, folder, CocoEvaluator.evaluate(reference, predictions),
                    OperatingPoint.evaluate(reference, predictions, defaults.confidence(), MATCH_IOU), defaults.confidence());
        }
        catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        finally {
            pool.shutdownNow();
        }
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

    /** The JSON of one model: the AP result as it always was, and the operating point. */
    private static Map<String, Object> single(Evaluation evaluation)
    {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("classes", evaluation.ap().classes());
        out.put("map50", evaluation.ap().map50());
        out.put("map75", evaluation.ap().map75());
        out.put("map", evaluation.ap().map());
        out.put("atDefaults", operatingPoint(evaluation));
        return out;
    }

    private static Map<String, Object> compared(List<Evaluation> evaluations, CocoDataset reference, Path annotations)
    {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", annotations.toString());
        out.put("images", reference.images().size());
        out.put("referenceBoxes", reference.annotations().size());
        List<Map<String, Object>> models = new ArrayList<>();
        for (Evaluation evaluation : evaluations) {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("model", evaluation.model());
            model.put("folder", evaluation.folder());
            model.put("map50", evaluation.ap().map50());
            model.put("map75", evaluation.ap().map75());
            model.put("map", evaluation.ap().map());
            model.put("classes", evaluation.ap().classes());
            model.put("atDefaults", operatingPoint(evaluation));
            models.add(model);
        }
        out.put("models", models);
        return out;
    }

    private static Map<String, Object> operatingPoint(Evaluation evaluation)
    {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("confidence", evaluation.defaultConfidence());
        point.put("matchIou", MATCH_IOU);
        point.put("precision", evaluation.atDefaults().all().precision());
        point.put("recall", evaluation.atDefaults().all().recall());
        List<Map<String, Object>> classes = new ArrayList<>();
        for (OperatingPoint.Counts c : evaluation.atDefaults().classes()) {
            Map<String, Object> counts = new LinkedHashMap<>();
            counts.put("categoryId", c.categoryId());
            counts.put("name", c.name());
            counts.put("truePositives", c.truePositives());
            counts.put("falsePositives", c.falsePositives());
            counts.put("falseNegatives", c.falseNegatives());
            counts.put("precision", c.precision());
            counts.put("recall", c.recall());
            classes.add(counts);
        }
        point.put("classes", classes);
        return point;
    }

    private static void print(List<Evaluation> evaluations, CocoDataset reference, Path annotations, double seconds)
    {
        System.out.printf(Locale.ROOT, "%d images, %d reference boxes of %s (%.1f s)%n", reference.images().size(), reference.annotations().size(), annotations, seconds);
        int width = Math.max(12, evaluations.stream().mapToInt(e -> e.model().length()).max().orElse(0));
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-26s %6s", "AP50 by class", "boxes"));
        for (Evaluation evaluation : evaluations) {
            header.append(' ').append(" ".repeat(width - evaluation.model().length())).append(evaluation.model());
        }
        System.out.println(header);
        List<CocoEvaluator.ClassResult> classes = evaluations.get(0).ap().classes();
        for (int c = 0; c < classes.size(); c++) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-26s %6d", classes.get(c).name(), classes.get(c).referenceBoxes()));
            for (Evaluation evaluation : evaluations) {
                row.append(String.format(Locale.ROOT, " %" + width + ".3f", evaluation.ap().classes().get(c).ap50()));
            }
            System.out.println(row);
        }
        line("mAP@0.5", evaluations, width, e -> e.ap().map50());
        line("mAP@0.75", evaluations, width, e -> e.ap().map75());
        line("mAP@[.5:.95]", evaluations, width, e -> e.ap().map());
        line("precision at defaults", evaluations, width, e -> orNaN(e.atDefaults().all().precision()));
        line("recall at defaults", evaluations, width, e -> orNaN(e.atDefaults().all().recall()));
    }

    private static void line(String name, List<Evaluation> evaluations, int width, java.util.function.ToDoubleFunction<Evaluation> value)
    {
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-26s %6s", name, ""));
        for (Evaluation evaluation : evaluations) {
            row.append(String.format(Locale.ROOT, " %" + width + ".3f", value.applyAsDouble(evaluation)));
        }
        System.out.println(row);
    }

    private static double orNaN(Double value)
    {
        return value == null ? Double.NaN : value;
    }
}
