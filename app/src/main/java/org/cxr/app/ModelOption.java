package org.cxr.app;

import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The {@code --model} option shared by commands that run the detector. Without it: {@code CXR_MODEL_DIR}, else the
 * demo model packaged in this application.
 */
final class ModelOption
{
    static final String BUNDLED = "models/demo/";

    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (model.onnx + manifest.json). Default: $CXR_MODEL_DIR, else the bundled demo model.")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "ONNX Runtime intra-op threads (default: automatic).")
    int threads;

    Detector load()
    {
        return Detector.load(folder(), DetectorOptions.defaults().withIntraOpThreads(threads));
    }

    Path folder()
    {
        if (model != null) {
            return model;
        }
        String fromEnvironment = System.getenv("CXR_MODEL_DIR");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment);
        }
        return extractBundled();
    }

    /** Copies the packaged demo model to a temporary folder: ONNX Runtime loads graphs from files. */
    static Path extractBundled()
    {
        try {
            Path directory = Files.createTempDirectory("cxr-demo-model");
            for (String name : new String[] {"model.onnx", "manifest.json"}) {
                try (InputStream in = ModelOption.class.getClassLoader().getResourceAsStream(BUNDLED + name)) {
                    if (in == null) {
                        throw new IllegalStateException("The demo model is not packaged in this build (missing " + BUNDLED + name + ")");
                    }
                    Path target = directory.resolve(name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                }
            }
            directory.toFile().deleteOnExit();
            return directory;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack the demo model", e);
        }
    }
}
