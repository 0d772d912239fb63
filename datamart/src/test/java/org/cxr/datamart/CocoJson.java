package org.cxr.datamart;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.coco.CocoFiles;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads an exported split back: as the evaluator's COCO records, and as a tree for the provenance fields. */
record CocoJson(CocoDataset dataset, JsonNode tree)
{
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    static CocoJson read(Path file)
    {
        try {
            return new CocoJson(CocoFiles.read(file), MAPPER.readTree(Files.readAllBytes(file)));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<Long, JsonNode> annotationsById()
    {
        Map<Long, JsonNode> annotations = new HashMap<>();
        tree.get("annotations").forEach(annotation -> annotations.put(annotation.get("id").asLong(), annotation));
        return annotations;
    }

    Map<Long, JsonNode> imagesById()
    {
        Map<Long, JsonNode> images = new HashMap<>();
        tree.get("images").forEach(image -> images.put(image.get("id").asLong(), image));
        return images;
    }
}
