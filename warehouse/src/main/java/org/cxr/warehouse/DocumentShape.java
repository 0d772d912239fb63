package org.cxr.warehouse;

import org.bson.Document;
import org.cxr.lake.MediaType;

import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The one place that knows how an image document is laid out. Numbers keep their width (ids and sizes are 64-bit,
 * class ids and pixel sizes 32-bit), times are BSON dates (millisecond precision), and every field is always present:
 * a user-less inference has {@code user: null}.
 */
final class DocumentShape
{
    static final String COLLECTION = "images";

    static final String ID = "_id";
    static final String INFERENCES = "inferences";
    static final String INFERENCE_ID = "inferenceId";
    static final String CREATED_AT = "createdAt";
    static final String DETECTIONS = "detections";
    static final String CLASS_ID = "classId";
    static final String CLASSES = "classes";

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
                .append(DETECTIONS, inference.detections().stream().map(DocumentShape::detection).toList());
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
                .append("box", new Document()
                        .append("xMin", detection.xMin())
                        .append("yMin", detection.yMin())
                        .append("xMax", detection.xMax())
                        .append("yMax", detection.yMax()));
    }

    static ImageDocument read(Document document)
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
                inference.getList(DETECTIONS, Document.class).stream().map(DocumentShape::readDetection).toList());
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
