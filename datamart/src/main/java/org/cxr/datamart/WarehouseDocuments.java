package org.cxr.datamart;

import org.bson.Document;
import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;


/**
 * Reads the warehouse's image documents by their shape (one document per image, its inferences nested), checking every
 * field used, so that a malformed document costs one image and not a wrong dataset.
 * <p>
 * Class ids and names are checked against the classes of the model that made each box by {@link Categories}, not
 * here: the warehouse may hold the boxes of several models.
 * <p>
 * An image's ground truth is its latest review, whichever inference it is of ({@link WarehouseImage#reviewed()}); an
 * image nobody reviewed has the predictions of its latest inference (greatest {@code createdAt}, then greatest
 * {@code inferenceId}): the newest model's, with the thresholds last chosen; merging several inferences would put the
 * same finding in twice. Each review must decide only boxes of its own inference, each once.
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
                inferences(document));
    }

    /** Every inference of the document, latest first. */
    private List<Inference> inferences(Document document)
            throws InvalidDocumentException
    {
        Object value = document.get("inferences");
        if (value == null) {
            return List.of();
        }
        List<Document> documents = new ArrayList<>(documents(value, "inferences"));
        documents.sort(LATEST_FIRST);
        List<Inference> inferences = new ArrayList<>(documents.size());
        for (Document inference : documents) {
            inferences.add(inference(inference));
        }
        return inferences;
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
        long inferenceId = integral(inference, "inferenceId");
        return new Inference(
                inferenceId,
                instant(inference, "createdAt"),
                string(model, "name"),
                string(model, "version"),
                classes(model),
                finite(thresholds, "confidence"),
                finite(thresholds, "nmsIou"),
                detections,
                reviews(inference, inferenceId, detections));
    }

    /** The inference's reviews in id order; absent before the warehouse carried reviews. */
    private List<Review> reviews(Document inference, long inferenceId, List<Detection> detections)
            throws InvalidDocumentException
    {
        Object value = inference.get("reviews");
        if (value == null) {
            return List.of();
        }
        Set<Long> predicted = new HashSet<>();
        detections.forEach(detection -> predicted.add(detection.boxId()));
        List<Review> reviews = new ArrayList<>();
        for (Document review : documents(value, "reviews")) {
            long reviewId = integral(review, "reviewId");
            List<ReviewBox> boxes = new ArrayList<>();
            Set<Long> decided = new HashSet<>();
            for (Document box : documents(review.get("boxes"), "reviews.boxes")) {
                ReviewBox parsed = reviewBox(box);
                if (parsed.predictedBoxId().isPresent()) {
                    long boxId = parsed.predictedBoxId().get();
                    if (!predicted.contains(boxId)) {
                        throw new InvalidDocumentException("review " + reviewId + " decides box " + boxId + ", which is not a box of inference " + inferenceId);
                    }
                    if (!decided.add(boxId)) {
                        throw new InvalidDocumentException("review " + reviewId + " decides box " + boxId + " twice");
                    }
                }
                boxes.add(parsed);
            }
            boxes.sort(Comparator.comparingLong(ReviewBox::reviewBoxId));
            reviews.add(new Review(reviewId, string(review, "reviewer"), instant(review, "reviewedAt"), boxes));
        }
        reviews.sort(Comparator.comparingLong(Review::reviewId));
        for (int i = 1; i < reviews.size(); i++) {
            if (reviews.get(i).reviewId() == reviews.get(i - 1).reviewId()) {
                throw new InvalidDocumentException("reviewId " + reviews.get(i).reviewId() + " appears twice");
            }
        }
        return reviews;
    }

    private ReviewBox reviewBox(Document box)
            throws InvalidDocumentException
    {
        String decision = string(box, "decision");
        Optional<Long> predictedBoxId = box.get("predictedBoxId") == null ? Optional.empty() : Optional.of(integral(box, "predictedBoxId"));
        Optional<ReviewBox.Label> label = box.get("label") == null ? Optional.empty() : Optional.of(label(document(box, "label")));
        boolean aboutPrediction = switch (decision) {
            case ReviewBox.ACCEPTED, ReviewBox.REJECTED, ReviewBox.CORRECTED -> true;
            case ReviewBox.ADDED -> false;
            default -> throw new InvalidDocumentException("decision is not accepted, rejected, corrected or added: " + decision);
        };
        if (predictedBoxId.isPresent() != aboutPrediction) {
            throw new InvalidDocumentException("a " + decision + " box " + (aboutPrediction ? "names no" : "names a") + " predictedBoxId");
        }
        if (label.isPresent() == decision.equals(ReviewBox.REJECTED)) {
            throw new InvalidDocumentException("a " + decision + " box " + (label.isPresent() ? "has a" : "has no") + " label");
        }
        return new ReviewBox(integral(box, "reviewBoxId"), predictedBoxId, decision, label);
    }

    private ReviewBox.Label label(Document label)
            throws InvalidDocumentException
    {
        long classId = integral(label, "classId");
        if (classId < 0 || classId > Integer.MAX_VALUE) {
            throw new InvalidDocumentException("label.classId is not a class id: " + classId);
        }
        Document box = document(label, "box");
        double xMin = finite(box, "xMin");
        double yMin = finite(box, "yMin");
        double xMax = finite(box, "xMax");
        double yMax = finite(box, "yMax");
        if (xMax <= xMin || yMax <= yMin) {
            throw new InvalidDocumentException("label box has no area: " + box.toJson());
        }
        return new ReviewBox.Label((int) classId, string(label, "className"), xMin, yMin, xMax, yMax);
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
