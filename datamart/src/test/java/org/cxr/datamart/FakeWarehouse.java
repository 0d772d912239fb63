package org.cxr.datamart;

import org.bson.Document;
import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Random;

import static java.util.Objects.requireNonNull;

/**
 * Builds warehouse documents of the shape Stage 4 writes, with made-up image bytes: the export never decodes an image,
 * it only moves and hashes the bytes, so a format signature followed by random bytes is enough.
 */
final class FakeWarehouse
{
    static final Instant EPOCH = Instant.parse("2025-01-01T00:00:00Z");
    /** The demo model's classes, which the made-up inferences come from unless a test says otherwise. */
    static final List<String> CLASSES = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");

    private final TestLake lake;

    FakeWarehouse(TestLake lake)
    {
        this.lake = requireNonNull(lake, "lake");
    }

    record FakeImage(String sha256, long imageId, MediaType mediaType, byte[] bytes, Document document)
    {
        String objectKey()
        {
            return document.getString("objectKey");
        }

        String relativeFileName()
        {
            return "images/" + sha256 + "." + mediaType.extension();
        }

        @SuppressWarnings("unchecked")
        List<Document> inferences()
        {
            return (List<Document>) document.get("inferences");
        }
    }

    /** An image with made-up bytes (the same for the same id) and the given inferences, not stored yet. */
    static FakeImage image(long imageId, MediaType mediaType, List<Document> inferences)
    {
        Random random = new Random(imageId * 7919 + 17);
        byte[] signature = mediaType == MediaType.PNG ? new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'} : new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
        byte[] bytes = Arrays.copyOf(signature, signature.length + 32 + random.nextInt(200));
        for (int i = signature.length; i < bytes.length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return image(imageId, mediaType, bytes, 1024 + random.nextInt(1024), 1024 + random.nextInt(1024), inferences);
    }

    /** An image with these bytes and this (upright) size, as the lake records it, not stored yet. */
    static FakeImage image(long imageId, MediaType mediaType, byte[] bytes, int width, int height, List<Document> inferences)
    {
        String sha256 = ContentHash.sha256(bytes);
        Document document = new Document("_id", sha256)
                .append("imageId", imageId)
                .append("bucket", TestLake.BUCKET)
                .append("objectKey", ObjectKeys.image(sha256, mediaType))
                .append("fileName", "upload-" + imageId + "." + mediaType.extension())
                .append("mediaType", mediaType.mimeType())
                .append("width", width)
                .append("height", height)
                .append("sizeBytes", (long) bytes.length)
                .append("firstSeen", Date.from(EPOCH.plusSeconds(imageId)))
                .append("inferences", new ArrayList<>(inferences));
        return new FakeImage(sha256, imageId, mediaType, bytes, document);
    }

    /**
     * An image with one inference holding {@code boxes} random boxes (ids {@code imageId * 100 + k}), reviewed once: every
     * box accepted (decision ids {@code imageId * 1000 + k}), so the image is in its split's reviewed labels.
     */
    static FakeImage imageWithBoxes(long imageId, int boxes)
    {
        FakeImage image = unreviewedImageWithBoxes(imageId, boxes);
        Document inference = image.inferences().get(0);
        List<Document> decisions = new ArrayList<>();
        int k = 0;
        for (Document detection : inference.getList("detections", Document.class)) {
            decisions.add(accepted(imageId * 1000 + k++, detection));
        }
        inference.put("reviews", new ArrayList<>(List.of(review(imageId * 10 + 1, "dr-accept", EPOCH.plusSeconds(imageId).plus(Duration.ofHours(1)), decisions))));
        return image;
    }

    /** The same image as {@link #imageWithBoxes}, which nobody has reviewed. */
    static FakeImage unreviewedImageWithBoxes(long imageId, int boxes)
    {
        Random random = new Random(imageId);
        List<Document> detections = new ArrayList<>();
        for (int k = 0; k < boxes; k++) {
            double xMin = random.nextInt(800) + random.nextDouble();
            double yMin = random.nextInt(800) + random.nextDouble();
            detections.add(detection(imageId * 100 + k, random.nextInt(CLASSES.size()), 0.5 + random.nextDouble() / 2,
                    xMin, yMin, xMax(xMin, random), yMin + 10 + random.nextInt(200) + random.nextDouble()));
        }
        return image(imageId, imageId % 3 == 0 ? MediaType.JPEG : MediaType.PNG, List.of(inference(imageId * 10, EPOCH.plusSeconds(imageId), detections)));
    }

    private static double xMax(double xMin, Random random)
    {
        return xMin + 10 + random.nextInt(200) + random.nextDouble();
    }

    /** A review as the warehouse nests it in its inference. */
    static Document review(long reviewId, String reviewer, Instant reviewedAt, List<Document> boxes)
    {
        return new Document("reviewId", reviewId)
                .append("reviewer", reviewer)
                .append("reviewedAt", Date.from(reviewedAt))
                .append("comment", null)
                .append("boxes", new ArrayList<>(boxes));
    }

    /** The decision to accept a predicted box: its label is the box as predicted. */
    static Document accepted(long reviewBoxId, Document detection)
    {
        return decision(reviewBoxId, detection.getLong("boxId"), "accepted",
                label(detection.getInteger("classId"), detection.getString("className"), detection.get("box", Document.class)));
    }

    static Document rejected(long reviewBoxId, Document detection)
    {
        return decision(reviewBoxId, detection.getLong("boxId"), "rejected", null);
    }

    static Document corrected(long reviewBoxId, Document detection, int classId, double xMin, double yMin, double xMax, double yMax)
    {
        return decision(reviewBoxId, detection.getLong("boxId"), "corrected", label(classId, CLASSES.get(classId), corners(xMin, yMin, xMax, yMax)));
    }

    static Document added(long reviewBoxId, int classId, double xMin, double yMin, double xMax, double yMax)
    {
        return decision(reviewBoxId, null, "added", label(classId, CLASSES.get(classId), corners(xMin, yMin, xMax, yMax)));
    }

    private static Document decision(long reviewBoxId, Long predictedBoxId, String decision, Document label)
    {
        return new Document("reviewBoxId", reviewBoxId).append("predictedBoxId", predictedBoxId).append("decision", decision).append("label", label);
    }

    private static Document label(int classId, String className, Document box)
    {
        return new Document("classId", classId).append("className", className).append("box", new Document(box));
    }

    private static Document corners(double xMin, double yMin, double xMax, double yMax)
    {
        return new Document("xMin", xMin).append("yMin", yMin).append("xMax", xMax).append("yMax", yMax);
    }

    static Document inference(long inferenceId, Instant createdAt, List<Document> detections)
    {
        return inference(inferenceId, createdAt, "cxr-demo-phantom", "1.0.0", CLASSES, detections);
    }

    /** An inference of this model, which the lake registered with these classes (none: it never registered it). */
    static Document inference(long inferenceId, Instant createdAt, String modelName, String modelVersion, List<String> classes, List<Document> detections)
    {
        return new Document("inferenceId", inferenceId)
                .append("createdAt", Date.from(createdAt))
                .append("model", new Document("name", modelName).append("version", modelVersion).append("classes", classes))
                .append("thresholds", new Document("confidence", 0.4).append("nmsIou", 0.5))
                .append("durationMs", 42L)
                .append("user", null)
                .append("detections", new ArrayList<>(detections));
    }

    static Document detection(long boxId, int classId, double score, double xMin, double yMin, double xMax, double yMax)
    {
        return detection(boxId, classId, CLASSES.get(classId), score, xMin, yMin, xMax, yMax);
    }

    static Document detection(long boxId, int classId, String className, double score, double xMin, double yMin, double xMax, double yMax)
    {
        return new Document("boxId", boxId)
                .append("classId", classId)
                .append("className", className)
                .append("score", score)
                .append("box", new Document("xMin", xMin).append("yMin", yMin).append("xMax", xMax).append("yMax", yMax));
    }

    /** Puts the bytes in S3 under the document's key and the documents in the warehouse. */
    void store(List<FakeImage> images)
    {
        ObjectStore store = lake.store();
        for (FakeImage image : images) {
            store.put(image.objectKey(), image.bytes(), image.mediaType().mimeType());
        }
        insert(images.stream().map(FakeImage::document).toList());
    }

    void store(FakeImage... images)
    {
        store(List.of(images));
    }

    void insert(List<Document> documents)
    {
        for (int from = 0; from < documents.size(); from += 1000) {
            lake.images().insertMany(documents.subList(from, Math.min(documents.size(), from + 1000)));
        }
    }
}
