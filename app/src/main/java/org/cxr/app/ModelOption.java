package org.cxr.app;

import org.cxr.app.model.BundledModel;
import org.cxr.app.server.EnvironmentVariables;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.Ensemble;
import org.cxr.detector.ImageDetector;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The model options shared by commands that run the detector. Without {@code --model}: {@code CXR_MODEL_DIR}, else
 * the demo model packaged in this application. Several {@code --model} options make a Weighted Boxes Fusion ensemble.
 */
final class ModelOption
{
    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder (model.onnx + manifest.json); repeat for a WBF ensemble. Default: $CXR_MODEL_DIR, else the bundled demo model.")
    List<Path> models = new ArrayList<>();

    @Option(names = "--fusion-iou", paramLabel = "X", defaultValue = "0.55",
            description = "With several models: boxes of one class overlapping above this IoU are fused (default: ${DEFAULT-VALUE}).")
    double fusionIou;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads per model (default: automatic).")
    int threads;

    ImageDetector load()
    {
        DetectorOptions options = DetectorOptions.defaults().withIntraOpThreads(threads);
        if (models.size() <= 1) {
            return Detector.load(models.isEmpty() ? defaultFolder() : models.get(0), options);
        }
        List<Detector> members = new ArrayList<>();
        try {
            for (Path model : models) {
                members.add(Detector.load(model, options));
            }
            return new Ensemble(members, Collections.nCopies(members.size(), 1.0), fusionIou);
        }
        catch (RuntimeException e) {
            members.forEach(Detector::close);
            throw e;
        }
    }

    /** The configured model folder ({@code CXR_MODEL_DIR}), else the bundled demo model. */
    static Path defaultFolder()
    {
        return EnvironmentVariables.load(Map.of()).model().dir().orElseGet(BundledModel::extract);
    }
}
