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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Writes one COCO file of the data mart as the images arrive, token by token, so the file's size never bounds the heap:
 * a split of reviewed images ({@link #addReviewed}) or the file of unreviewed ones ({@link #addPredicted}).
 * <p>
 * COCO puts all images before all annotations, but they arrive together, image by image, and {@code info} (first)
 * counts what follows. Images and annotations go into two temporary files; {@link #commit()} writes the header with
 * the counts, streams both in, flushes to disk and renames over the target, so a reader sees the old file or the new
 * one, never half of one. Besides {@code info.date_created}, nothing depends on the time of the run.
 * <p>
 * Besides the COCO fields, each annotation carries its lineage (COCO readers ignore unknown fields). A reviewed label:
 * {@code source} ({@code model-accepted}, {@code model-corrected} or {@code radiologist-added}), {@code predicted_box_id},
 * {@code model_score}, the reviewed inference's {@code model} and {@code inference_id}, {@code review_id},
 * {@code reviewer}, {@code reviewed_at}. A prediction: {@code source: "model-prediction"} so it is never taken for a
 * reviewed label, {@code score}, {@code model}, {@code thresholds}, {@code inference_id}.
 */
final class CocoSplitWriter
        implements Closeable
{
    static final String TEMPORARY_SUFFIX = ".tmp";
    static final String PREDICTION = "model-prediction";
    static final List<String> REVIEWED_SOURCES = List.of("model-accepted", "model-corrected", "radiologist-added");

    private static final JsonFactory JSON = JsonFactory.builder()
            // The files are closed here, after they are flushed to disk.
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private final Path target;
    private final String description;
    private final Optional<Split> split;
    private final Instant exportedAt;
    private final Categories categories;
    private final Path imagesFile;
    private final Path annotationsFile;
    private final Output images;
    private final Output annotations;
    private final Map<String, Long> bySource = new LinkedHashMap<>();
    private long imageCount;
    private long annotationCount;
    private long noFindingsCount;
    private boolean finished;

    private CocoSplitWriter(Path target, String description, Optional<Split> split, Instant exportedAt, Categories categories, Path imagesFile,
            Path annotationsFile, Output images, Output annotations)
    {
        this.target = target;
        this.description = description;
        this.split = split;
        this.exportedAt = exportedAt;
        this.categories = categories;
        this.imagesFile = imagesFile;
        this.annotationsFile = annotationsFile;
        this.images = images;
        this.annotations = annotations;
    }

    /** A split of reviewed images: ground truth with lineage. */
    static CocoSplitWriter reviewed(Path target, Split split, Categories categories, Instant exportedAt)
            throws IOException
    {
        requireNonNull(split, "split");
        CocoSplitWriter writer = open(target, "cxr data mart, " + split.fileStem() + " split: radiologists' reviewed labels (latest review of each image)",
                Optional.of(split), categories, exportedAt);
        REVIEWED_SOURCES.forEach(source -> writer.bySource.put(source, 0L));
        return writer;
    }

    /** The images nobody has reviewed, with the detector's boxes: predictions, not labels. */
    static CocoSplitWriter unreviewed(Path target, Categories categories, Instant exportedAt)
            throws IOException
    {
        CocoSplitWriter writer = open(target, "cxr data mart: images nobody has reviewed yet, with the boxes the detector predicted (not labels)",
                Optional.empty(), categories, exportedAt);
        writer.bySource.put(PREDICTION, 0L);
        return writer;
    }

    private static CocoSplitWriter open(Path target, String description, Optional<Split> split, Categories categories, Instant exportedAt)
            throws IOException
    {
        requireNonNull(categories, "categories");
        requireNonNull(exportedAt, "exportedAt");
        Path directory = target.getParent();
        String stem = "." + target.getFileName();
        Path imagesFile = Files.createTempFile(directory, stem + "-images-", TEMPORARY_SUFFIX);
        Path annotationsFile = null;
        Output images = null;
        try {
            annotationsFile = Files.createTempFile(directory, stem + "-annotations-", TEMPORARY_SUFFIX);
            images = Output.open(imagesFile);
            Output annotations = Output.open(annotationsFile);
            images.json.writeStartArray();
            annotations.json.writeStartArray();
            return new CocoSplitWriter(target, description, split, exportedAt, categories, imagesFile, annotationsFile, images, annotations);
        }
        catch (IOException | RuntimeException e) {
            if (images != null) {
                images.closeQuietly();
            }
            Files.deleteIfExists(imagesFile);
            if (annotationsFile != null) {
                Files.deleteIfExists(annotationsFile);
            }
            throw e;
        }
    }

    /** Adds a reviewed image under its COCO {@code file_name} with the labels of its latest review. */
    void addReviewed(WarehouseImage image, String fileName, WarehouseImage.Reviewed reviewed)
    {
        requireNonNull(reviewed, "reviewed");
        Inference inference = reviewed.inference();
        Review review = reviewed.review();
        List<ReviewBox> labelled = review.labelled();
        JsonGenerator json = startImage(image, fileName, inference);
        json.writeNumberProperty("review_id", review.reviewId());
        json.writeStringProperty("reviewer", review.reviewer());
        json.writeStringProperty("reviewed_at", review.reviewedAt().toString());
        json.writeBooleanProperty("no_findings", labelled.isEmpty());
        json.writeEndObject();
        if (labelled.isEmpty()) {
            noFindingsCount++;
        }
        for (ReviewBox box : labelled) {
            ReviewBox.Label label = box.label().orElseThrow();
            JsonGenerator a = annotations.json;
            a.writeStartObject();
            a.writeNumberProperty("id", box.reviewBoxId());
            a.writeNumberProperty("image_id", image.imageId());
            a.writeNumberProperty("category_id", categories.categoryId(inference.modelKey(), label.classId()));
            writeBox(a, label.xMin(), label.yMin(), label.width(), label.height());
            a.writeStringProperty("source", box.source());
            a.writeName("predicted_box_id");
            if (box.predictedBoxId().isPresent()) {
                a.writeNumber(box.predictedBoxId().get());
                a.writeNumberProperty("model_score", predicted(inference, box.predictedBoxId().get()).score());
            }
            else {
                a.writeNull();
            }
            writeModel(a, inference);
            a.writeNumberProperty("inference_id", inference.inferenceId());
            a.writeNumberProperty("review_id", review.reviewId());
            a.writeStringProperty("reviewer", review.reviewer());
            a.writeStringProperty("reviewed_at", review.reviewedAt().toString());
            a.writeEndObject();
            annotationCount++;
            bySource.merge(box.source(), 1L, Long::sum);
        }
    }

    /** Adds an unreviewed image with its latest inference's boxes, marked as predictions, and the split it would be in. */
    void addPredicted(WarehouseImage image, String fileName, Inference inference, Split imageSplit)
    {
        requireNonNull(inference, "inference");
        JsonGenerator json = startImage(image, fileName, inference);
        json.writeStringProperty("split", imageSplit.fileStem());
        json.writeEndObject();
        for (Detection detection : inference.detections()) {
            JsonGenerator a = annotations.json;
            a.writeStartObject();
            a.writeNumberProperty("id", detection.boxId());
            a.writeNumberProperty("image_id", image.imageId());
            a.writeNumberProperty("category_id", categories.categoryId(inference.modelKey(), detection.classId()));
            writeBox(a, detection.xMin(), detection.yMin(), detection.width(), detection.height());
            a.writeNumberProperty("score", detection.score());
            a.writeStringProperty("source", PREDICTION);
            writeModel(a, inference);
            a.writeName("thresholds");
            a.writeStartObject();
            a.writeNumberProperty("confidence", inference.confidenceThreshold());
            a.writeNumberProperty("nms_iou", inference.nmsIouThreshold());
            a.writeEndObject();
            a.writeNumberProperty("inference_id", inference.inferenceId());
            a.writeEndObject();
            annotationCount++;
            bySource.merge(PREDICTION, 1L, Long::sum);
        }
    }

    private JsonGenerator startImage(WarehouseImage image, String fileName, Inference inference)
    {
        requireNonNull(image, "image");
        requireNonNull(fileName, "fileName");
        if (finished) {
            throw new IllegalStateException("Already finished: " + target);
        }
        JsonGenerator json = images.json;
        json.writeStartObject();
        json.writeNumberProperty("id", image.imageId());
        json.writeStringProperty("file_name", fileName);
        json.writeNumberProperty("width", image.width());
        json.writeNumberProperty("height", image.height());
        json.writeStringProperty("sha256", image.sha256());
        json.writeNumberProperty("inference_id", inference.inferenceId());
        imageCount++;
        return json;
    }

    private static Detection predicted(Inference inference, long boxId)
    {
        return inference.detections().stream().filter(d -> d.boxId() == boxId).findFirst()
                .orElseThrow(() -> new IllegalStateException("box " + boxId + " is not of inference " + inference.inferenceId() + " (documents were checked)"));
    }

    private static void writeBox(JsonGenerator json, double x, double y, double width, double height)
    {
        // COCO's bbox is the top-left corner and the size; the original wrote the centre here.
        json.writeName("bbox");
        json.writeStartArray();
        json.writeNumber(x);
        json.writeNumber(y);
        json.writeNumber(width);
        json.writeNumber(height);
        json.writeEndArray();
        json.writeNumberProperty("area", width * height);
        json.writeNumberProperty("iscrowd", 0);
    }

    private static void writeModel(JsonGenerator json, Inference inference)
    {
        json.writeName("model");
        json.writeStartObject();
        json.writeStringProperty("name", inference.modelName());
        json.writeStringProperty("version", inference.modelVersion());
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
        Path mainFile = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", TEMPORARY_SUFFIX);
        try {
            images.json.writeEndArray();
            images.finish();
            annotations.json.writeEndArray();
            annotations.finish();
            Output main = Output.open(mainFile);
            try {
                writeHeader(main.json);
                main.json.writeName("images");
                copyArray(imagesFile, main.json);
                main.json.writeName("annotations");
                copyArray(annotationsFile, main.json);
                main.json.writeEndObject();
                main.finish();
            }
            finally {
                main.closeQuietly();
            }
            Files.move(mainFile, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new SplitCounts(imageCount, annotationCount);
        }
        finally {
            Files.deleteIfExists(mainFile);
            close();
        }
    }

    /** Annotations by their lineage word, as {@code info.annotations_by_source} says. */
    Map<String, Long> annotationsBySource()
    {
        return Map.copyOf(bySource);
    }

    long noFindingsImages()
    {
        return noFindingsCount;
    }

    private void writeHeader(JsonGenerator json)
    {
        json.writeStartObject();
        json.writeName("info");
        json.writeStartObject();
        json.writeStringProperty("description", description);
        json.writeStringProperty("version", "2");
        json.writeStringProperty("contributor", "cxr datamart");
        json.writeStringProperty("date_created", exportedAt.toString());
        if (split.isPresent()) {
            json.writeStringProperty("split", split.get().fileStem());
        }
        json.writeNumberProperty("images", imageCount);
        json.writeNumberProperty("annotations", annotationCount);
        if (split.isPresent()) {
            json.writeNumberProperty("images_without_findings", noFindingsCount);
        }
        json.writeName("annotations_by_source");
        json.writeStartObject();
        for (Map.Entry<String, Long> source : bySource.entrySet()) {
            json.writeNumberProperty(source.getKey(), source.getValue());
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeName("licenses");
        json.writeStartArray();
        json.writeEndArray();
        json.writeName("categories");
        json.writeStartArray();
        List<String> names = categories.names();
        for (int index = 0; index < names.size(); index++) {
            json.writeStartObject();
            // COCO category ids start at 1; 0 is read as the background by several trainers.
            json.writeNumberProperty("id", index + 1);
            json.writeStringProperty("name", names.get(index));
            json.writeStringProperty("supercategory", "finding");
            json.writeEndObject();
        }
        json.writeEndArray();
    }

    private static void copyArray(Path file, JsonGenerator into)
            throws IOException
    {
        try (JsonParser parser = JSON.createParser(ObjectReadContext.empty(), file)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalStateException("Fragment does not start with an array: " + file);
            }
            into.copyCurrentStructure(parser);
        }
    }

    /** Leaves the target as it was unless {@link #commit()} got as far as renaming; removes the temporary files. */
    @Override
    public void close()
            throws IOException
    {
        finished = true;
        images.closeQuietly();
        annotations.closeQuietly();
        Files.deleteIfExists(imagesFile);
        Files.deleteIfExists(annotationsFile);
    }

    static final class Output
    {
        private final FileChannel channel;
        private final OutputStream stream;
        final JsonGenerator json;

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
