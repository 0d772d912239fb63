package org.cxr.datamart;

import org.bson.Document;
import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;


/**
 * Reads the warehouse's image documents by their shape (one document per image, its inferences nested), checking every
 * field used, so that a malformed document costs one image and not a wrong dataset.
 * <p>
 * Class ids and names are checked against the classes of the model that made each box by {@link Categories}, not
 * here: the warehouse may hold the boxes of several models.
 * <p>
 * Of an image's inferences only the latest (greatest {@code createdAt}, then greatest {@code inferenceId}) becomes its
 * annotations: it is the newest model's, with the thresholds last chosen, and merging several inferences would put
 * the same finding in twice. An image whose latest inference found nothing is kept without annotations.
 */
final class WarehouseDocuments
{
    /** The fields read; anything else, the user's file name in particular, is not even fetched. */
    static final List<String> FIELDS = List.of("_id", "imageId", "bucket", "objectKey", "mediaType", "width", "height", "inferences");

    private static final Comparator<Document> LATEST_FIRST = Comparator
            .comparing((Document inference) -> inference.get("createdAt") instanceof Date date ? date : null, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(inference -> inference.get("inferenceId") instanceof Number number ? number.longValue() : Long.MIN_VALUE, Comparator.reverseOrder());

    WarehouseDocuments() {}

    WarehouseImage parse(Document document)
            throws InvalidDocumentException
    {
        Object id = document.get("_id");
        if (!(id instanceof String sha256) || !ContentHash.isSha256(sha256)) {
            throw new InvalidDocumentException("_id is not a lower-case hex SHA-256: " + id);
        }
        MediaType mediaType;
        try {
            mediaType = MediaType.fromMimeType(string(document, "mediaType"));
        }
        catch (IllegalArgumentException e) {
            throw new InvalidDocumentException(e.getMessage());
        }
        int width = positiveInt(document, "width");
        int height = positiveInt(document, "height");
        return new WarehouseImage(
                sha256,
                integral(document, "imageId"),
                string(document, "bucket"),
                string(document, "objectKey"),
                mediaType,
                width,
                height,
                latestInference(document));
    }

    private Optional<Inference> latestInference(Document document)
            throws InvalidDocumentException
    {
        Object value = document.get("inferences");
        if (value == null) {
            return Optional.empty();
        }
        List<Document> inferences = documents(value, "inferences");
        if (inferences.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(inference(inferences.stream().min(LATEST_FIRST).orElseThrow()));
    }

    private Inference inference(Document inference)
            throws InvalidDocumentException
    {
        Document model = document(inference, "model");
        Document thresholds = document(inference, "thresholds");
        List<Detection> detections = new ArrayList<>();
        for (Document detection : documents(inference.get("detections"), "detections")) {
            detections.add(detection(detection));
        }
        detections.sort(Comparator.comparingLong(Detection::boxId));
        for (int i = 1; i < detections.size(); i++) {
            if (detections.get(i).boxId() == detections.get(i - 1).boxId()) {
                throw new InvalidDocumentException("boxId " + detections.get(i).boxId() + " appears twice");
            }
        }
        return new Inference(
                integral(inference, "inferenceId"),
                instant(inference, "createdAt"),
                string(model, "name"),
                string(model, "version"),
                classes(model),
                finite(thresholds, "confidence"),
                finite(thresholds, "nmsIou"),
                detections);
    }

    private Detection detection(Document detection)
            throws InvalidDocumentException
    {
        long classId = integral(detection, "classId");
        if (classId < 0 || classId > Integer.MAX_VALUE) {
            throw new InvalidDocumentException("classId is not a class id: " + classId);
        }
        String className = string(detection, "className");
        double score = finite(detection, "score");
        if (score < 0 || score > 1) {
            throw new InvalidDocumentException("score out of [0, 1]: " + score);
        }
        Document box = document(detection, "box");
        double xMin = finite(box, "xMin");
        double yMin = finite(box, "yMin");
        double xMax = finite(box, "xMax");
        double yMax = finite(box, "yMax");
        if (xMax < xMin || yMax < yMin) {
            throw new InvalidDocumentException("box corners are not ordered: " + box.toJson());
        }
        return new Detection(integral(detection, "boxId"), (int) classId, className, score, xMin, yMin, xMax, yMax);
    }

    /** The model's classes in class-id order; absent or empty for a model the lake never registered. */
    private static List<String> classes(Document model)
            throws InvalidDocumentException
    {
        Object value = model.get("classes");
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidDocumentException("model.classes is not an array: " + value);
        }
        List<String> classes = new ArrayList<>(list.size());
        for (Object name : list) {
            if (!(name instanceof String text) || text.isBlank() || classes.contains(text)) {
                throw new InvalidDocumentException("model.classes is not a list of distinct names: " + list);
            }
            classes.add(text);
        }
        return classes;
    }

    private static String string(Document document, String field)
            throws InvalidDocumentException
    {
        if (document.get(field) instanceof String value && !value.isEmpty()) {
            return value;
        }
        throw new InvalidDocumentException(field + " is not a non-empty string: " + document.get(field));
    }

    private static long integral(Document document, String field)
            throws InvalidDocumentException
    {
        Object value = document.get(field);
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double number && number == Math.rint(number) && Math.abs(number) < 0x1p53) {
            return number.longValue();
        }
        throw new InvalidDocumentException(field + " is not an integer: " + value);
    }

    private static int positiveInt(Document document, String field)
            throws InvalidDocumentException
    {
        long value = integral(document, field);
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new InvalidDocumentException(field + " is not a positive int: " + value);
        }
        return (int) value;
    }

    private static double finite(Document document, String field)
            throws InvalidDocumentException
    {
        if (document.get(field) instanceof Number number && Double.isFinite(number.doubleValue())) {
            return number.doubleValue();
        }
        throw new InvalidDocumentException(field + " is not a finite number: " + document.get(field));
    }

    private static Instant instant(Document document, String field)
            throws InvalidDocumentException
    {
        if (document.get(field) instanceof Date date) {
            return date.toInstant();
        }
        throw new InvalidDocumentException(field + " is not a date: " + document.get(field));
    }

    private static Document document(Document document, String field)
            throws InvalidDocumentException
    {
        if (document.get(field) instanceof Document value) {
            return value;
        }
        throw new InvalidDocumentException(field + " is not a document: " + document.get(field));
    }

    private static List<Document> documents(Object value, String field)
            throws InvalidDocumentException
    {
        if (!(value instanceof List<?> list)) {
            throw new InvalidDocumentException(field + " is not an array: " + value);
        }
        List<Document> documents = new ArrayList<>(list.size());
        for (Object element : list) {
            if (!(element instanceof Document document)) {
                throw new InvalidDocumentException(field + " has an element that is not a document: " + element);
            }
            documents.add(document);
        }
        return documents;
    }
}
