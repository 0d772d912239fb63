package org.cxr.spark;

import org.apache.spark.sql.Row;
import org.cxr.backup.AvroRows;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.MediaType;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.ReviewRecord;

import java.util.Optional;

/**
 * Rows of the lake's range queries ({@link org.cxr.lake.LakeRangeQueries}, columns named as the lake names them) as
 * the lake's own records, which the other modules turn into Parquet records and documents.
 */
final class RowRecords
{
    private RowRecords() {}

    static ImageRecord image(Row row)
    {
        return new ImageRecord(
                row.getLong(row.fieldIndex("image_id")),
                row.getString(row.fieldIndex("image_sha256")),
                row.getString(row.fieldIndex("image_bucket")),
                row.getString(row.fieldIndex("image_object_key")),
                row.getString(row.fieldIndex("image_original_file_name")),
                MediaType.fromMimeType(row.getString(row.fieldIndex("image_media_type"))),
                row.getInt(row.fieldIndex("image_width")),
                row.getInt(row.fieldIndex("image_height")),
                row.getLong(row.fieldIndex("image_size_bytes")),
                AvroRows.instant(row.getLong(row.fieldIndex("image_first_seen_micros"))));
    }

    static InferenceRecord inference(Row row)
    {
        return new InferenceRecord(
                row.getLong(row.fieldIndex("inference_id")),
                row.getLong(row.fieldIndex("inference_image_id")),
                AvroRows.instant(row.getLong(row.fieldIndex("inference_created_at_micros"))),
                row.getDouble(row.fieldIndex("inference_confidence_threshold")),
                row.getDouble(row.fieldIndex("inference_nms_iou_threshold")),
                row.getString(row.fieldIndex("inference_model_name")),
                row.getString(row.fieldIndex("inference_model_version")),
                row.getLong(row.fieldIndex("inference_duration_ms")),
                Optional.ofNullable(row.getString(row.fieldIndex("inference_user_name"))));
    }

    /** The row's box; empty for the row of an inference without boxes. */
    static Optional<BoxRecord> box(Row row)
    {
        int id = row.fieldIndex("box_id");
        if (row.isNullAt(id)) {
            return Optional.empty();
        }
        return Optional.of(new BoxRecord(
                row.getLong(id),
                row.getLong(row.fieldIndex("box_inference_id")),
                row.getInt(row.fieldIndex("box_class_id")),
                row.getString(row.fieldIndex("box_class_name")),
                row.getDouble(row.fieldIndex("box_score")),
                row.getDouble(row.fieldIndex("box_x_min")),
                row.getDouble(row.fieldIndex("box_y_min")),
                row.getDouble(row.fieldIndex("box_x_max")),
                row.getDouble(row.fieldIndex("box_y_max"))));
    }

    static ReviewRecord review(Row row)
    {
        return new ReviewRecord(
                row.getLong(row.fieldIndex("review_id")),
                row.getLong(row.fieldIndex("review_inference_id")),
                row.getString(row.fieldIndex("review_reviewer")),
                AvroRows.instant(row.getLong(row.fieldIndex("review_reviewed_at_micros"))),
                Optional.ofNullable(row.getString(row.fieldIndex("review_comment"))));
    }

    /** The row's decision; empty for the row of a review without decisions. */
    static Optional<ReviewBoxRecord> reviewBox(Row row)
    {
        int id = row.fieldIndex("rbox_id");
        if (row.isNullAt(id)) {
            return Optional.empty();
        }
        int predicted = row.fieldIndex("rbox_predicted_box_id");
        int classId = row.fieldIndex("rbox_class_id");
        // The table's check constraint keeps a label whole or absent; the class id says which.
        Optional<ReviewLabel> label = row.isNullAt(classId) ? Optional.empty() : Optional.of(new ReviewLabel(
                row.getInt(classId),
                row.getString(row.fieldIndex("rbox_class_name")),
                row.getDouble(row.fieldIndex("rbox_x_min")),
                row.getDouble(row.fieldIndex("rbox_y_min")),
                row.getDouble(row.fieldIndex("rbox_x_max")),
                row.getDouble(row.fieldIndex("rbox_y_max"))));
        return Optional.of(new ReviewBoxRecord(
                row.getLong(id),
                row.getLong(row.fieldIndex("rbox_review_id")),
                row.isNullAt(predicted) ? Optional.empty() : Optional.of(row.getLong(predicted)),
                ReviewDecision.of(row.getString(row.fieldIndex("rbox_decision"))),
                label));
    }
}
