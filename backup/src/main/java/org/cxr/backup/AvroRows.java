package org.cxr.backup;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.MediaType;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.StoredInference;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The lake's rows to and from the records of the Parquet files; column names are the tables' own. */
public final class AvroRows
{
    private static final long MICROS_PER_SECOND = 1_000_000;

    private AvroRows() {}

    public static GenericRecord image(ImageRecord row)
    {
        GenericRecord record = new GenericData.Record(Dataset.IMAGES.schema());
        record.put("id", row.id());
        record.put("sha256", row.sha256());
        record.put("bucket", row.bucket());
        record.put("object_key", row.objectKey());
        record.put("original_file_name", row.originalFileName());
        record.put("media_type", row.mediaType().mimeType());
        record.put("width", row.width());
        record.put("height", row.height());
        record.put("size_bytes", row.sizeBytes());
        record.put("first_seen", micros(row.firstSeen()));
        return record;
    }

    public static ImageRecord image(GenericRecord record)
    {
        return new ImageRecord(
                (Long) record.get("id"),
                string(record, "sha256"),
                string(record, "bucket"),
                string(record, "object_key"),
                string(record, "original_file_name"),
                MediaType.fromMimeType(string(record, "media_type")),
                (Integer) record.get("width"),
                (Integer) record.get("height"),
                (Long) record.get("size_bytes"),
                instant(record, "first_seen"));
    }

    public static GenericRecord inference(InferenceRecord row)
    {
        GenericRecord record = new GenericData.Record(Dataset.INFERENCES.schema());
        record.put("id", row.id());
        record.put("image_id", row.imageId());
        record.put("created_at", micros(row.createdAt()));
        record.put("confidence_threshold", row.confidenceThreshold());
        record.put("nms_iou_threshold", row.nmsIouThreshold());
        record.put("model_name", row.modelName());
        record.put("model_version", row.modelVersion());
        record.put("duration_ms", row.durationMillis());
        record.put("user_name", row.userName().orElse(null));
        return record;
    }

    public static InferenceRecord inference(GenericRecord record)
    {
        return new InferenceRecord(
                (Long) record.get("id"),
                (Long) record.get("image_id"),
                instant(record, "created_at"),
                (Double) record.get("confidence_threshold"),
                (Double) record.get("nms_iou_threshold"),
                string(record, "model_name"),
                string(record, "model_version"),
                (Long) record.get("duration_ms"),
                Optional.ofNullable(record.get("user_name")).map(Object::toString));
    }

    public static GenericRecord box(BoxRecord row)
    {
        GenericRecord record = new GenericData.Record(Dataset.PREDICTED_BOXES.schema());
        record.put("id", row.id());
        record.put("inference_id", row.inferenceId());
        record.put("class_id", row.classId());
        record.put("class_name", row.className());
        record.put("score", row.score());
        record.put("x_min", row.xMin());
        record.put("y_min", row.yMin());
        record.put("x_max", row.xMax());
        record.put("y_max", row.yMax());
        return record;
    }

    public static BoxRecord box(GenericRecord record)
    {
        return new BoxRecord(
                (Long) record.get("id"),
                (Long) record.get("inference_id"),
                (Integer) record.get("class_id"),
                string(record, "class_name"),
                (Double) record.get("score"),
                (Double) record.get("x_min"),
                (Double) record.get("y_min"),
                (Double) record.get("x_max"),
                (Double) record.get("y_max"));
    }

    public static GenericRecord modelVersion(ModelVersion row)
    {
        GenericRecord record = new GenericData.Record(Dataset.MODEL_VERSIONS.schema());
        record.put("id", row.id());
        record.put("name", row.name());
        record.put("version", row.version());
        record.put("class_names", row.classNames());
        record.put("registered_at", micros(row.registeredAt()));
        return record;
    }

    public static ModelVersion modelVersion(GenericRecord record)
    {
        List<String> classNames = ((List<?>) record.get("class_names")).stream().map(Object::toString).toList();
        return new ModelVersion((Long) record.get("id"), string(record, "name"), string(record, "version"), classNames, instant(record, "registered_at"));
    }

    public static GenericRecord review(ReviewRecord row)
    {
        GenericRecord record = new GenericData.Record(Dataset.REVIEWS.schema());
        record.put("id", row.id());
        record.put("inference_id", row.inferenceId());
        record.put("reviewer", row.reviewer());
        record.put("reviewed_at", micros(row.reviewedAt()));
        record.put("comment", row.comment().orElse(null));
        return record;
    }

    public static ReviewRecord review(GenericRecord record)
    {
        return new ReviewRecord(
                (Long) record.get("id"),
                (Long) record.get("inference_id"),
                string(record, "reviewer"),
                instant(record, "reviewed_at"),
                Optional.ofNullable(record.get("comment")).map(Object::toString));
    }

    public static GenericRecord reviewBox(ReviewBoxRecord row)
    {
        Optional<ReviewLabel> label = row.label();
        GenericRecord record = new GenericData.Record(Dataset.REVIEW_BOXES.schema());
        record.put("id", row.id());
        record.put("review_id", row.reviewId());
        record.put("predicted_box_id", row.predictedBoxId().orElse(null));
        record.put("decision", row.decision().word());
        record.put("class_id", label.map(ReviewLabel::classId).orElse(null));
        record.put("class_name", label.map(ReviewLabel::className).orElse(null));
        record.put("x_min", label.map(ReviewLabel::xMin).orElse(null));
        record.put("y_min", label.map(ReviewLabel::yMin).orElse(null));
        record.put("x_max", label.map(ReviewLabel::xMax).orElse(null));
        record.put("y_max", label.map(ReviewLabel::yMax).orElse(null));
        return record;
    }

    public static ReviewBoxRecord reviewBox(GenericRecord record)
    {
        // The table's check constraint keeps a label whole or absent; the class id says which.
        Optional<ReviewLabel> label = record.get("class_id") == null ? Optional.empty() : Optional.of(new ReviewLabel(
                (Integer) record.get("class_id"),
                string(record, "class_name"),
                (Double) record.get("x_min"),
                (Double) record.get("y_min"),
                (Double) record.get("x_max"),
                (Double) record.get("y_max")));
        return new ReviewBoxRecord(
                (Long) record.get("id"),
                (Long) record.get("review_id"),
                Optional.ofNullable((Long) record.get("predicted_box_id")),
                ReviewDecision.of(string(record, "decision")),
                label);
    }

    /** One row per box; an inference without boxes is one row whose box columns are null, as in a left join. */
    public static List<GenericRecord> detections(StoredInference stored)
    {
        if (stored.boxes().isEmpty()) {
            return List.of(detection(stored, Optional.empty()));
        }
        List<GenericRecord> records = new ArrayList<>(stored.boxes().size());
        for (BoxRecord box : stored.boxes()) {
            records.add(detection(stored, Optional.of(box)));
        }
        return records;
    }

    private static GenericRecord detection(StoredInference stored, Optional<BoxRecord> box)
    {
        InferenceRecord inference = stored.inference();
        ImageRecord image = stored.image();
        GenericRecord record = new GenericData.Record(Dataset.DETECTIONS.schema());
        record.put("inference_id", inference.id());
        record.put("created_at", micros(inference.createdAt()));
        record.put("confidence_threshold", inference.confidenceThreshold());
        record.put("nms_iou_threshold", inference.nmsIouThreshold());
        record.put("model_name", inference.modelName());
        record.put("model_version", inference.modelVersion());
        record.put("duration_ms", inference.durationMillis());
        record.put("user_name", inference.userName().orElse(null));
        record.put("image_id", image.id());
        record.put("image_sha256", image.sha256());
        record.put("bucket", image.bucket());
        record.put("object_key", image.objectKey());
        record.put("original_file_name", image.originalFileName());
        record.put("media_type", image.mediaType().mimeType());
        record.put("width", image.width());
        record.put("height", image.height());
        record.put("size_bytes", image.sizeBytes());
        record.put("first_seen", micros(image.firstSeen()));
        record.put("box_id", box.map(BoxRecord::id).orElse(null));
        record.put("class_id", box.map(BoxRecord::classId).orElse(null));
        record.put("class_name", box.map(BoxRecord::className).orElse(null));
        record.put("score", box.map(BoxRecord::score).orElse(null));
        record.put("x_min", box.map(BoxRecord::xMin).orElse(null));
        record.put("y_min", box.map(BoxRecord::yMin).orElse(null));
        record.put("x_max", box.map(BoxRecord::xMax).orElse(null));
        record.put("y_max", box.map(BoxRecord::yMax).orElse(null));
        return record;
    }

    public static long micros(Instant instant)
    {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), MICROS_PER_SECOND), instant.getNano() / 1000);
    }

    public static Instant instant(long micros)
    {
        return Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND), Math.floorMod(micros, MICROS_PER_SECOND) * 1000);
    }

    private static Instant instant(GenericRecord record, String field)
    {
        Object value = record.get(field);
        // Readers configured with Avro's time conversions hand back instants; plain ones the stored microseconds.
        return value instanceof Instant instant ? instant : instant((Long) value);
    }

    private static String string(GenericRecord record, String field)
    {
        // Avro reads strings as its own Utf8 type.
        return record.get(field).toString();
    }
}
