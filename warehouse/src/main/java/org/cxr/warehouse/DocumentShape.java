package org.cxr.warehouse;

import org.bson.Document;
import org.cxr.lake.MediaType;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;

import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The one place that knows how an image document is laid out. Numbers keep their width (ids and sizes are 64-bit,
 * class ids and pixel sizes 32-bit), times are BSON dates (millisecond precision), and every field is always present:
 * a user-less inference has {@code user: null}, a rejected box's decision {@code label: null}. (Documents written
 * before reviews were carried lack {@code reviews} in their inferences until a review arrives; it reads as none.)
 * <pre>
 * {_id: sha256, imageId, bucket, objectKey, fileName, mediaType, width, height, sizeBytes, firstSeen,
 *  inferences: [{inferenceId, createdAt, model: {name, version, classes}, thresholds: {confidence, nmsIou}, durationMs, user,
 *                detections: [{boxId, classId, className, score, box: {xMin, yMin, xMax, yMax}}],
 *                reviews: [{reviewId, reviewer, reviewedAt, comment,
 *                           boxes: [{reviewBoxId, predictedBoxId, decision, label: null | {classId, className, box}}]}]}]}
 * </pre>
 * Inferences are in inference id order, reviews in review id order (the last supersedes the others).
 */
public final class DocumentShape
{
    static final String COLLECTION = "images";

    static final String ID = "_id";
    static final String INFERENCES = "inferences";
    static final String INFERENCE_ID = "inferenceId";
    static final String CREATED_AT = "createdAt";
    static final String DETECTIONS = "detections";
    static final String CLASS_ID = "classId";
    static final String CLASSES = "classes";
    static final String REVIEWS = "reviews";
    static final String REVIEW_ID = "reviewId";
    static final String REVIEW_BOXES = "boxes";

    private DocumentShape() {}

    /** Every field of the image but {@code _id} and its inferences. */
    static Document imageFields(ImageDocument image)
    {
        return new Document()
                .append("imageId", image.imageId())
                .append("bucket", image.bucket())
                .append("objectKey", image.objectKey())
                .append("fileName", image.fileName())
                .append("mediaType", image.mediaType().mimeType())
                .append("width", image.width())
                .append("height", image.height())
                .append("sizeBytes", image.sizeBytes())
                .append("firstSeen", Date.from(image.firstSeen()));
    }

    static Document inference(InferenceDocument inference)
    {
        return new Document()
                .append(INFERENCE_ID, inference.inferenceId())
                .append(CREATED_AT, Date.from(inference.createdAt()))
                .append("model", new Document("name", inference.modelName()).append("version", inference.modelVersion()).append(CLASSES, inference.modelClasses()))
                .append("thresholds", new Document("confidence", inference.confidenceThreshold()).append("nmsIou", inference.nmsIouThreshold()))
                .append("durationMs", inference.durationMillis())
                .append("user", inference.user().orElse(null))
                .append(DETECTIONS, inference.detections().stream().map(DocumentShape::detection).toList())
                .append(REVIEWS, inference.reviews().stream().map(DocumentShape::review).toList());
    }

    static Document review(ReviewDocument review)
    {
        return new Document()
                .append(REVIEW_ID, review.reviewId())
                .append("reviewer", review.reviewer())
                .append("reviewedAt", Date.from(review.reviewedAt()))
                .append("comment", review.comment().orElse(null))
                .append(REVIEW_BOXES, review.boxes().stream().map(DocumentShape::reviewedBox).toList());
    }

    private static Document reviewedBox(ReviewedBox box)
    {
        return new Document()
                .append("reviewBoxId", box.reviewBoxId())
                .append("predictedBoxId", box.predictedBoxId().orElse(null))
                .append("decision", box.decision().word())
                .append("label", box.label()
                        .map(label -> new Document(CLASS_ID, label.classId())
                                .append("className", label.className())
                                .append("box", corners(label.xMin(), label.yMin(), label.xMax(), label.yMax())))
                        .orElse(null));
    }

    /** The whole document of an image as the stage creates it: {@code _id}, the image's fields and its inferences. */
    public static Document document(ImageDocument image)
    {
        Document document = new Document(ID, image.sha256());
        document.putAll(imageFields(image));
        return document.append(INFERENCES, inferences(image));
    }

    static List<Document> inferences(ImageDocument image)
    {
        return image.inferences().stream().map(DocumentShape::inference).toList();
    }

    private static Document detection(Detection detection)
    {
        return new Document()
                .append("boxId", detection.boxId())
                .append(CLASS_ID, detection.classId())
                .append("className", detection.className())
                .append("score", detection.score())
                .append("box", corners(detection.xMin(), detection.yMin(), detection.xMax(), detection.yMax()));
    }

    private static Document corners(double xMin, double yMin, double xMax, double yMax)
    {
        return new Document()
                .append("xMin", xMin)
                .append("yMin", yMin)
                .append("xMax", xMax)
                .append("yMax", yMax);
    }

    public static ImageDocument read(Document document)
    {
        return new ImageDocument(
                document.getString(ID),
                document.getLong("imageId"),
                document.getString("bucket"),
                document.getString("objectKey"),
                document.getString("fileName"),
                MediaType.fromMimeType(document.getString("mediaType")),
                document.getInteger("width"),
                document.getInteger("height"),
                document.getLong("sizeBytes"),
                document.getDate("firstSeen").toInstant(),
                document.getList(INFERENCES, Document.class).stream().map(DocumentShape::readInference).toList());
    }

    private static InferenceDocument readInference(Document inference)
    {
        Document model = inference.get("model", Document.class);
        Document thresholds = inference.get("thresholds", Document.class);
        return new InferenceDocument(
                inference.getLong(INFERENCE_ID),
                inference.getDate(CREATED_AT).toInstant(),
                model.getString("name"),
                model.getString("version"),
                model.getList(CLASSES, String.class, List.of()),
                thresholds.getDouble("confidence"),
                thresholds.getDouble("nmsIou"),
                inference.getLong("durationMs"),
                Optional.ofNullable(inference.getString("user")),
                inference.getList(DETECTIONS, Document.class).stream().map(DocumentShape::readDetection).toList(),
                inference.getList(REVIEWS, Document.class, List.of()).stream().map(DocumentShape::readReview).toList());
    }

    private static ReviewDocument readReview(Document review)
    {
        return new ReviewDocument(
                review.getLong(REVIEW_ID),
                review.getString("reviewer"),
                review.getDate("reviewedAt").toInstant(),
                Optional.ofNullable(review.getString("comment")),
                review.getList(REVIEW_BOXES, Document.class).stream().map(DocumentShape::readReviewedBox).toList());
    }

    private static ReviewedBox readReviewedBox(Document box)
    {
        Optional<ReviewLabel> label = Optional.ofNullable(box.get("label", Document.class)).map(stored -> {
            Document corners = stored.get("box", Document.class);
            return new ReviewLabel(stored.getInteger(CLASS_ID), stored.getString("className"),
                    corners.getDouble("xMin"), corners.getDouble("yMin"), corners.getDouble("xMax"), corners.getDouble("yMax"));
        });
        return new ReviewedBox(box.getLong("reviewBoxId"), Optional.ofNullable(box.getLong("predictedBoxId")), ReviewDecision.of(box.getString("decision")), label);
    }

    private static Detection readDetection(Document detection)
    {
        Document box = detection.get("box", Document.class);
        return new Detection(
                detection.getLong("boxId"),
                detection.getInteger(CLASS_ID),
                detection.getString("className"),
                detection.getDouble("score"),
                box.getDouble("xMin"),
                box.getDouble("yMin"),
                box.getDouble("xMax"),
                box.getDouble("yMax"));
    }
}
