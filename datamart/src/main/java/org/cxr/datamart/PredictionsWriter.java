package org.cxr.datamart;

import tools.jackson.core.JsonGenerator;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static java.util.Objects.requireNonNull;

/**
 * The model's raw boxes on one split's reviewed images, as a COCO results file: a list of {@code image_id},
 * {@code category_id}, {@code bbox}, {@code score} (plus {@code predicted_box_id}), which {@code pycocotools}'
 * {@code COCO.loadRes} reads and {@code COCOeval} scores against the split's reviewed labels. The boxes are those of the
 * inference the latest review decided about, so they are exactly what the reviewer saw.
 */
final class PredictionsWriter
        implements Closeable
{
    private final Path target;
    private final Path temporary;
    private final CocoSplitWriter.Output output;
    private final Categories categories;
    private long count;
    private boolean finished;

    private PredictionsWriter(Path target, Path temporary, CocoSplitWriter.Output output, Categories categories)
    {
        this.target = target;
        this.temporary = temporary;
        this.output = output;
        this.categories = categories;
    }

    static PredictionsWriter open(Path target, Categories categories)
            throws IOException
    {
        requireNonNull(categories, "categories");
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", CocoSplitWriter.TEMPORARY_SUFFIX);
        try {
            CocoSplitWriter.Output output = CocoSplitWriter.Output.open(temporary);
            output.json.writeStartArray();
            return new PredictionsWriter(target, temporary, output, categories);
        }
        catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    void add(WarehouseImage image, Inference inference)
    {
        if (finished) {
            throw new IllegalStateException("Already finished: " + target);
        }
        for (Detection detection : inference.detections()) {
            JsonGenerator json = output.json;
            json.writeStartObject();
            json.writeNumberProperty("image_id", image.imageId());
            json.writeNumberProperty("category_id", categories.categoryId(inference.modelKey(), detection.classId()));
            json.writeName("bbox");
            json.writeStartArray();
            json.writeNumber(detection.xMin());
            json.writeNumber(detection.yMin());
            json.writeNumber(detection.width());
            json.writeNumber(detection.height());
            json.writeEndArray();
            json.writeNumberProperty("score", detection.score());
            json.writeNumberProperty("predicted_box_id", detection.boxId());
            json.writeEndObject();
            count++;
        }
    }

    /** Finishes the file and renames it over the target; returns how many boxes it holds. */
    long commit()
            throws IOException
    {
        if (finished) {
            throw new IllegalStateException("Already finished: " + target);
        }
        finished = true;
        try {
            output.json.writeEndArray();
            output.finish();
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return count;
        }
        finally {
            close();
        }
    }

    @Override
    public void close()
            throws IOException
    {
        finished = true;
        output.closeQuietly();
        Files.deleteIfExists(temporary);
    }
}
