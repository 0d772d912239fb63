package org.cxr.detector.model;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** A model on disk: a folder with {@code model.onnx} and {@code manifest.json}. */
public record ModelFolder(Path directory, ModelManifest manifest)
{
    public static final String GRAPH_FILE = "model.onnx";
    public static final String MANIFEST_FILE = "manifest.json";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            // Optional numbers (labelOffset, padValue...) may be left out of a manifest; required ones are checked.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public ModelFolder
    {
        requireNonNull(directory, "directory");
        requireNonNull(manifest, "manifest");
    }

    public Path graph()
    {
        return directory.resolve(GRAPH_FILE);
    }

    /** Reads the manifest; the graph itself is checked against it when a detector loads it. */
    public static ModelFolder open(Path directory)
    {
        if (!Files.isDirectory(directory)) {
            throw new InvalidModelException("Model folder not found: " + directory);
        }
        Path manifestFile = directory.resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(manifestFile)) {
            throw new InvalidModelException("Model folder " + directory + " has no " + MANIFEST_FILE);
        }
        if (!Files.isRegularFile(directory.resolve(GRAPH_FILE))) {
            throw new InvalidModelException("Model folder " + directory + " has no " + GRAPH_FILE);
        }
        try {
            return new ModelFolder(directory, MAPPER.readValue(manifestFile.toFile(), ModelManifest.class));
        }
        catch (JacksonException e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof InvalidModelException)) {
                cause = cause.getCause();
            }
            String reason = cause instanceof InvalidModelException ? cause.getMessage() : e.getOriginalMessage();
            throw new InvalidModelException("Invalid " + manifestFile + ": " + reason, e);
        }
    }
}
