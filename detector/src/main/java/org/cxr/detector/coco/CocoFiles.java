package org.cxr.detector.coco;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes COCO JSON files. */
public final class CocoFiles
{
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // COCO files in the wild leave out iscrowd or area.
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private CocoFiles() {}

    public static CocoDataset read(Path file)
    {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("COCO file not found: " + file);
        }
        try {
            return MAPPER.readValue(file.toFile(), CocoDataset.class);
        }
        catch (JacksonException e) {
            throw new IllegalArgumentException("Not a valid COCO JSON file: " + file + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Writes through a temporary file and a rename, so a reader never sees half a file. */
    public static void write(CocoDataset dataset, Path file)
    {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                MAPPER.writeValue(temporary.toFile(), dataset);
                Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            finally {
                Files.deleteIfExists(temporary);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
