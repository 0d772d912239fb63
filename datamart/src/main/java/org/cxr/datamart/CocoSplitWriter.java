package org.cxr.datamart;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonFactory;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Writes one split's COCO file as the images arrive, token by token, so the file's size never bounds the heap.
 * <p>
 * COCO puts all images before all annotations, but they arrive together, image by image. The image entries go
 * straight into the main temporary file, the annotations into a second one; {@link #commit()} streams the second into
 * the first, flushes it to disk and renames it over the target, so a reader sees the old file or the new one, never
 * half of one. Nothing in the output depends on the time of the run, so the same warehouse gives the same bytes.
 * <p>
 * Besides the COCO fields, each annotation carries its provenance (COCO readers ignore unknown fields): {@code score},
 * {@code source: "model-prediction"} so it is never taken for a reviewed label, {@code model}, {@code thresholds} and
 * {@code inference_id}. Each image carries its {@code sha256} and the {@code inference_id} its annotations come from.
 */
final class CocoSplitWriter
        implements Closeable
{
    static final String TEMPORARY_SUFFIX = ".tmp";
    static final String SOURCE = "model-prediction";

    private static final JsonFactory JSON = JsonFactory.builder()
            // The files are closed here, after they are flushed to disk.
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final Path target;
    private final Path mainFile;
    private final Path annotationsFile;
    private final Output main;
    private final Output annotations;
    private final Categories categories;
    private long imageCount;
    private long annotationCount;
    private boolean finished;

    private CocoSplitWriter(Path target, Path mainFile, Path annotationsFile, Output main, Output annotations, Categories categories)
    {
        this.categories = categories;
        this.target = target;
        this.mainFile = mainFile;
        this.annotationsFile = annotationsFile;
        this.main = main;
        this.annotations = annotations;
    }

    static CocoSplitWriter open(Path target, Split split, Categories categories)
            throws IOException
    {
        requireNonNull(split, "split");
        requireNonNull(categories, "categories");
        Path directory = target.getParent();
        String stem = "." + target.getFileName();
        Path mainFile = Files.createTempFile(directory, stem + "-", TEMPORARY_SUFFIX);
        Path annotationsFile = null;
        Output main = null;
        try {
            annotationsFile = Files.createTempFile(directory, stem + "-annotations-", TEMPORARY_SUFFIX);
            main = Output.open(mainFile);
            Output annotations = Output.open(annotationsFile);
            writeHeader(main.json, split, categories.names());
            main.json.writeName("images");
            main.json.writeStartArray();
            annotations.json.writeStartArray();
            return new CocoSplitWriter(target, mainFile, annotationsFile, main, annotations, categories);
        }
        catch (IOException | RuntimeException e) {
            if (main != null) {
                main.closeQuietly();
            }
            Files.deleteIfExists(mainFile);
            if (annotationsFile != null) {
                Files.deleteIfExists(annotationsFile);
            }
            throw e;
        }
    }

    private static void writeHeader(JsonGenerator json, Split split, List<String> categoryNames)
    {
        json.writeStartObject();
        json.writeName("info");
        json.writeStartObject();
        json.writeStringProperty("description", "cxr data mart, " + split.fileStem() + " split: boxes predicted by the detector, not reviewed labels");
        json.writeStringProperty("version", "1");
        json.writeStringProperty("contributor", "cxr datamart");
        json.writeStringProperty("split", split.fileStem());
        json.writeEndObject();
        json.writeName("licenses");
        json.writeStartArray();
        json.writeEndArray();
        json.writeName("categories");
        json.writeStartArray();
        for (int index = 0; index < categoryNames.size(); index++) {
            json.writeStartObject();
            // COCO category ids start at 1; 0 is read as the background by several trainers.
            json.writeNumberProperty("id", index + 1);
            json.writeStringProperty("name", categoryNames.get(index));
            json.writeStringProperty("supercategory", "finding");
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    /** Adds the image under its COCO {@code file_name} (the original, or its upright copy) with the inference's boxes. */
    void add(WarehouseImage image, String fileName, Inference inference)
    {
        requireNonNull(image, "image");
        requireNonNull(fileName, "fileName");
        requireNonNull(inference, "inference");
        if (finished) {
            throw new IllegalStateException("Already finished: " + target);
        }
        JsonGenerator json = main.json;
        json.writeStartObject();
        json.writeNumberProperty("id", image.imageId());
        json.writeStringProperty("file_name", fileName);
        json.writeNumberProperty("width", image.width());
        json.writeNumberProperty("height", image.height());
        json.writeStringProperty("sha256", image.sha256());
        json.writeNumberProperty("inference_id", inference.inferenceId());
        json.writeEndObject();
        imageCount++;
        for (Detection detection : inference.detections()) {
            writeAnnotation(annotations.json, image, inference, detection, categories.categoryId(inference.modelKey(), detection.classId()));
            annotationCount++;
        }
    }

    private static void writeAnnotation(JsonGenerator json, WarehouseImage image, Inference inference, Detection detection, int categoryId)
    {
        json.writeStartObject();
        json.writeNumberProperty("id", detection.boxId());
        json.writeNumberProperty("image_id", image.imageId());
        json.writeNumberProperty("category_id", categoryId);
        // COCO's bbox is the top-left corner and the size; the original wrote the centre here.
        json.writeName("bbox");
        json.writeStartArray();
        json.writeNumber(detection.xMin());
        json.writeNumber(detection.yMin());
        json.writeNumber(detection.width());
        json.writeNumber(detection.height());
        json.writeEndArray();
        json.writeNumberProperty("area", detection.width() * detection.height());
        json.writeNumberProperty("iscrowd", 0);
        json.writeNumberProperty("score", detection.score());
        json.writeStringProperty("source", SOURCE);
        json.writeName("model");
        json.writeStartObject();
        json.writeStringProperty("name", inference.modelName());
        json.writeStringProperty("version", inference.modelVersion());
        json.writeEndObject();
        json.writeName("thresholds");
        json.writeStartObject();
        json.writeNumberProperty("confidence", inference.confidenceThreshold());
        json.writeNumberProperty("nms_iou", inference.nmsIouThreshold());
        json.writeEndObject();
        json.writeNumberProperty("inference_id", inference.inferenceId());
        json.writeEndObject();
    }

    /** Finishes the file and puts it in place of the target; the counts are what it holds. */
    SplitCounts commit()
            throws IOException
    {
        if (finished) {
            throw new IllegalStateException("Already finished: " + target);
        }
        finished = true;
        try {
            main.json.writeEndArray();
            annotations.json.writeEndArray();
            annotations.finish();
            main.json.writeName("annotations");
            try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), annotationsFile)) {
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    throw new IllegalStateException("Annotation fragment does not start with an array: " + annotationsFile);
                }
                main.json.copyCurrentStructure(parser);
            }
            main.json.writeEndObject();
            main.finish();
            Files.move(mainFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new SplitCounts(imageCount, annotationCount);
        }
        finally {
            close();
        }
    }

    /** Leaves the target as it was unless {@link #commit()} got as far as renaming; removes the temporary files. */
    @Override
    public void close()
            throws IOException
    {
        finished = true;
        main.closeQuietly();
        annotations.closeQuietly();
        Files.deleteIfExists(mainFile);
        Files.deleteIfExists(annotationsFile);
    }

    private static final class Output
    {
        private final FileChannel channel;
        private final OutputStream stream;
        private final JsonGenerator json;

        private Output(FileChannel channel, OutputStream stream, JsonGenerator json)
        {
            this.channel = channel;
            this.stream = stream;
            this.json = json;
        }

        static Output open(Path file)
                throws IOException
        {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            OutputStream stream = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            return new Output(channel, stream, JSON.createGenerator(ObjectWriteContext.empty(), stream));
        }

        /** Flushes the generator, the buffer and the file system's cache, then closes. */
        void finish()
                throws IOException
        {
            json.close();
            stream.flush();
            channel.force(true);
            channel.close();
        }

        void closeQuietly()
        {
            try {
                json.close();
            }
            catch (RuntimeException ignored) {
                // Closing after a failure; the first error is the one that matters.
            }
            try {
                channel.close();
            }
            catch (IOException ignored) {
                // As above.
            }
        }
    }
}
