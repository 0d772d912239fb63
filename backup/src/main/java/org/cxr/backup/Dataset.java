package org.cxr.backup;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Parquet datasets of a backup: one per table, with the table's columns and names, and the denormalised
 * {@code detections} join the original system produced (one row per box, an inference without boxes as one row with
 * null box columns). Timestamps are UTC instants in microseconds, the precision both databases keep.
 */
public enum Dataset
{
    IMAGES("images", SchemaBuilder.record("image").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("id")
            .requiredString("sha256")
            .requiredString("bucket")
            .requiredString("object_key")
            .requiredString("original_file_name")
            .requiredString("media_type")
            .requiredInt("width")
            .requiredInt("height")
            .requiredLong("size_bytes")
            .name("first_seen").type(Dataset.timestamp()).noDefault()
            .endRecord()),

    INFERENCES("inferences", SchemaBuilder.record("inference").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("id")
            .requiredLong("image_id")
            .name("created_at").type(Dataset.timestamp()).noDefault()
            .requiredDouble("confidence_threshold")
            .requiredDouble("nms_iou_threshold")
            .requiredString("model_name")
            .requiredString("model_version")
            .requiredLong("duration_ms")
            .optionalString("user_name")
            .endRecord()),

    PREDICTED_BOXES("predicted_boxes", SchemaBuilder.record("predicted_box").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("id")
            .requiredLong("inference_id")
            .requiredInt("class_id")
            .requiredString("class_name")
            .requiredDouble("score")
            .requiredDouble("x_min")
            .requiredDouble("y_min")
            .requiredDouble("x_max")
            .requiredDouble("y_max")
            .endRecord()),

    DETECTIONS("detections", SchemaBuilder.record("detection").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("inference_id")
            .name("created_at").type(Dataset.timestamp()).noDefault()
            .requiredDouble("confidence_threshold")
            .requiredDouble("nms_iou_threshold")
            .requiredString("model_name")
            .requiredString("model_version")
            .requiredLong("duration_ms")
            .optionalString("user_name")
            .requiredLong("image_id")
            .requiredString("image_sha256")
            .requiredString("bucket")
            .requiredString("object_key")
            .requiredString("original_file_name")
            .requiredString("media_type")
            .requiredInt("width")
            .requiredInt("height")
            .requiredLong("size_bytes")
            .name("first_seen").type(Dataset.timestamp()).noDefault()
            .optionalLong("box_id")
            .optionalInt("class_id")
            .optionalString("class_name")
            .optionalDouble("score")
            .optionalDouble("x_min")
            .optionalDouble("y_min")
            .optionalDouble("x_max")
            .optionalDouble("y_max")
            .endRecord()),

    /** The registered models with their classes in class-id order: the whole (small) table, as of each run. */
    MODEL_VERSIONS("model_versions", SchemaBuilder.record("model_version").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("id")
            .requiredString("name")
            .requiredString("version")
            .name("class_names").type().array().items().stringType().noDefault()
            .name("registered_at").type(Dataset.timestamp()).noDefault()
            .endRecord()),

    /** One row per radiologist's review of an inference, dated by {@code reviewed_at}. */
    REVIEWS("reviews", SchemaBuilder.record("review").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("id")
            .requiredLong("inference_id")
            .requiredString("reviewer")
            .name("reviewed_at").type(Dataset.timestamp()).noDefault()
            .optionalString("comment")
            .endRecord()),

    /**
     * One row per decision of a review, dated by its review. An added box names no predicted box; a rejected one
     * leaves no label (class and corners null).
     */
    REVIEW_BOXES("review_boxes", SchemaBuilder.record("review_box").namespace(Dataset.NAMESPACE).fields()
            .requiredLong("id")
            .requiredLong("review_id")
            .optionalLong("predicted_box_id")
            .requiredString("decision")
            .optionalInt("class_id")
            .optionalString("class_name")
            .optionalDouble("x_min")
            .optionalDouble("y_min")
            .optionalDouble("x_max")
            .optionalDouble("y_max")
            .endRecord());

    private static final String NAMESPACE = "org.cxr.backup";

    private final String directory;
    private final Schema schema;

    Dataset(String directory, Schema schema)
    {
        this.directory = directory;
        this.schema = schema;
    }

    /** The dataset's folder under the backup prefix, and its name in manifests. */
    @JsonValue
    public String directory()
    {
        return directory;
    }

    public Schema schema()
    {
        return schema;
    }

    @JsonCreator
    public static Dataset fromDirectory(String directory)
    {
        for (Dataset dataset : values()) {
            if (dataset.directory.equals(directory)) {
                return dataset;
            }
        }
        throw new IllegalArgumentException("Unknown dataset: " + directory);
    }

    private static Schema timestamp()
    {
        return LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    }
}
