package org.cxr.app.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The demo model packaged in the application jar, copied to a temporary folder because ONNX Runtime reads files. */
public final class BundledModel
{
    private static final String RESOURCE_FOLDER = "models/demo/";

    private BundledModel() {}

    public static Path extract()
    {
        try {
            Path directory = Files.createTempDirectory("cxr-demo-model");
            directory.toFile().deleteOnExit();
            for (String name : new String[] {"model.onnx", "manifest.json"}) {
                try (InputStream in = BundledModel.class.getClassLoader().getResourceAsStream(RESOURCE_FOLDER + name)) {
                    if (in == null) {
                        throw new IllegalStateException("The demo model is not packaged in this build (missing " + RESOURCE_FOLDER + name + ")");
                    }
                    Path target = directory.resolve(name);
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    target.toFile().deleteOnExit();
                }
            }
            return directory;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot unpack the demo model", e);
        }
    }
}
