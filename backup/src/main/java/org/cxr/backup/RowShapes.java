package org.cxr.backup;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.StoredInference;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The lake's rows as rows of the datasets, column for column as {@link AvroRows} builds their records (a test holds
 * the two to the same bytes), but written without an Avro record in between: the backup spends most of its CPU per
 * row, and building a record of a row and looking each field up again to write it was a third of that.
 */
final class RowShapes
{
    static final RowShape<ImageRecord> IMAGE = (image, row) -> row
            .int64(image.id())
            .string(image.sha256())
            .string(image.bucket())
            .string(image.objectKey())
            .string(image.originalFileName())
            .string(image.mediaType().mimeType())
            .int32(image.width())
            .int32(image.height())
            .int64(image.sizeBytes())
            .timestamp(image.firstSeen());

    static final RowShape<InferenceRecord> INFERENCE = (inference, row) -> {
        row.int64(inference.id()).int64(inference.imageId());
        inferenceDetails(inference, row);
    };

    static final RowShape<BoxRecord> BOX = (box, row) -> {
        row.int64(box.id()).int64(box.inferenceId());
        boxDetails(box, row);
    };

    /** The inference's columns, its image's, and its box's; the box columns are null for an inference that found nothing. */
    static final RowShape<Detection> DETECTION = (detection, row) -> {
        InferenceRecord inference = detection.inference().inference();
        row.int64(inference.id());
        inferenceDetails(inference, row);
        IMAGE.write(detection.inference().image(), row);
        BoxRecord box = detection.box();
        if (box == null) {
            row.none(8);
        }
        else {
            row.int64(box.id());
            boxDetails(box, row);
        }
    };

    static final RowShape<ModelVersion> MODEL_VERSION = (model, row) -> row
            .int64(model.id())
            .string(model.name())
            .string(model.version())
            .strings(model.classNames())
            .timestamp(model.registeredAt());

    static final RowShape<ReviewRecord> REVIEW = (review, row) -> row
            .int64(review.id())
            .int64(review.inferenceId())
            .string(review.reviewer())
            .timestamp(review.reviewedAt())
            .optionalString(review.comment().orElse(null));

    /** An added box names no predicted box; a rejected one has no label. */
    static final RowShape<ReviewBoxRecord> REVIEW_BOX = (box, row) -> {
        row.int64(box.id())
                .int64(box.reviewId())
                .optionalInt64(box.predictedBoxId().orElse(null))
                .string(box.decision().word());
        if (box.label().isEmpty()) {
            row.none(6);
        }
        else {
            ReviewLabel label = box.label().get();
            row.int32(label.classId())
                    .string(label.className())
                    .float64(label.xMin())
                    .float64(label.yMin())
                    .float64(label.xMax())
                    .float64(label.yMax());
        }
    };

    private RowShapes() {}

    /** An inference's columns after its ids, as the inferences and the detections hold them. */
    private static void inferenceDetails(InferenceRecord inference, ParquetRow row)
    {
        row.timestamp(inference.createdAt())
                .float64(inference.confidenceThreshold())
                .float64(inference.nmsIouThreshold())
                .string(inference.modelName())
                .string(inference.modelVersion())
                .int64(inference.durationMillis())
                .optionalString(inference.userName().orElse(null));
    }

    /** A box's columns after its ids, as the predicted boxes and the detections hold them. */
    private static void boxDetails(BoxRecord box, ParquetRow row)
    {
        row.int32(box.classId())
                .string(box.className())
                .float64(box.score())
                .float64(box.xMin())
                .float64(box.yMin())
                .float64(box.xMax())
                .float64(box.yMax());
    }

    /** One row of the detections join: an inference with one of its boxes, or with none (a null box). */
    record Detection(StoredInference inference, BoxRecord box)
    {
        Detection
        {
            requireNonNull(inference, "inference");
        }

        /** One per box, or one without a box for an inference that found nothing, as in a left join. */
        static List<Detection> of(StoredInference inference)
        {
            if (inference.boxes().isEmpty()) {
                return List.of(new Detection(inference, null));
            }
            List<Detection> detections = new ArrayList<>(inference.boxes().size());
            for (BoxRecord box : inference.boxes()) {
                detections.add(new Detection(inference, box));
            }
            return detections;
        }
    }

    /**
     * Any record of a dataset's Avro schema, field by field in the schema's order: what another engine hands over
     * as Avro records (Spark's backup) is written exactly as the shapes above write the lake's rows.
     */
    static RowShape<GenericRecord> records(Schema schema)
    {
        List<Schema.Field> fields = schema.getFields();
        FieldWriter[] writers = fields.stream().map(field -> writer(field.name(), field.schema())).toArray(FieldWriter[]::new);
        return (record, row) -> {
            for (int i = 0; i < writers.length; i++) {
                writers[i].write(record.get(i), row);
            }
        };
    }

    @FunctionalInterface
    private interface FieldWriter
    {
        void write(Object value, ParquetRow row);
    }

    private static FieldWriter writer(String name, Schema schema)
    {
        if (schema.getType() == Schema.Type.UNION) {
            List<Schema> types = schema.getTypes();
            if (types.size() != 2 || types.get(0).getType() != Schema.Type.NULL) {
                throw new IllegalArgumentException("Field " + name + ": only a union of null and one type is a dataset column: " + schema);
            }
            FieldWriter present = writer(name, types.get(1));
            return (value, row) -> {
                if (value == null) {
                    row.none();
                }
                else {
                    present.write(value, row);
                }
            };
        }
        return switch (schema.getType()) {
            case LONG -> {
                if (schema.getLogicalType() != null && !(schema.getLogicalType() instanceof LogicalTypes.TimestampMicros)) {
                    throw new IllegalArgumentException("Field " + name + ": unsupported logical type " + schema.getLogicalType().getName());
                }
                yield (value, row) -> row.int64((Long) value);
            }
            case INT -> (value, row) -> row.int32((Integer) value);
            case DOUBLE -> (value, row) -> row.float64((Double) value);
            case STRING -> (value, row) -> row.string(value.toString());
            case ARRAY -> {
                if (schema.getElementType().getType() != Schema.Type.STRING) {
                    throw new IllegalArgumentException("Field " + name + ": only lists of strings are dataset columns: " + schema);
                }
                yield (value, row) -> row.strings(((List<?>) value).stream().map(Object::toString).toList());
            }
            default -> throw new IllegalArgumentException("Field " + name + ": unsupported type " + schema);
        };
    }
}
