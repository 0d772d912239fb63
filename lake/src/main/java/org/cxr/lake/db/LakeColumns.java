package org.cxr.lake.db;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.MediaType;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewDecision;
import org.cxr.lake.ReviewLabel;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.sql.SqlDialect;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The columns of the lake's tables and how a row becomes a record: the one place that knows them. Each select list
 * names its columns with a prefix of the table ({@code image_}, {@code inference_}, {@code box_}), so that a join of
 * several tables reads each without ambiguity.
 */
public final class LakeColumns
{
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final SqlDialect dialect;

    public LakeColumns(SqlDialect dialect)
    {
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /** The {@code image} columns of the table aliased {@code alias}, as {@code image_<column>}. */
    public static String image(String alias)
    {
        return prefixed(alias, "image_", "id", "sha256", "bucket", "object_key", "original_file_name", "media_type", "width", "height", "size_bytes", "first_seen");
    }

    public static String inference(String alias)
    {
        return prefixed(alias, "inference_", "id", "image_id", "created_at", "confidence_threshold", "nms_iou_threshold", "model_name", "model_version",
                "duration_ms", "user_name");
    }

    public static String box(String alias)
    {
        return prefixed(alias, "box_", "id", "inference_id", "class_id", "class_name", "score", "x_min", "y_min", "x_max", "y_max");
    }

    public static String review(String alias)
    {
        return prefixed(alias, "review_", "id", "inference_id", "reviewer", "reviewed_at", "comment");
    }

    public static String reviewBox(String alias)
    {
        return prefixed(alias, "rbox_", "id", "review_id", "predicted_box_id", "decision", "class_id", "class_name", "x_min", "y_min", "x_max", "y_max");
    }

    public static String modelVersion(String alias)
    {
        return prefixed(alias, "model_", "id", "name", "version", "class_names", "registered_at");
    }

    public ImageRecord image(ResultSet row)
            throws SQLException
    {
        return new ImageRecord(
                row.getLong("image_id"),
                row.getString("image_sha256"),
                row.getString("image_bucket"),
                row.getString("image_object_key"),
                row.getString("image_original_file_name"),
                MediaType.fromMimeType(row.getString("image_media_type")),
                row.getInt("image_width"),
                row.getInt("image_height"),
                row.getLong("image_size_bytes"),
                dialect.readTimestamp(row, "image_first_seen"));
    }

    public InferenceRecord inference(ResultSet row)
            throws SQLException
    {
        return new InferenceRecord(
                row.getLong("inference_id"),
                row.getLong("inference_image_id"),
                dialect.readTimestamp(row, "inference_created_at"),
                row.getDouble("inference_confidence_threshold"),
                row.getDouble("inference_nms_iou_threshold"),
                row.getString("inference_model_name"),
                row.getString("inference_model_version"),
                row.getLong("inference_duration_ms"),
                Optional.ofNullable(row.getString("inference_user_name")));
    }

    public BoxRecord box(ResultSet row)
            throws SQLException
    {
        return new BoxRecord(
                row.getLong("box_id"),
                row.getLong("box_inference_id"),
                row.getInt("box_class_id"),
                row.getString("box_class_name"),
                row.getDouble("box_score"),
                row.getDouble("box_x_min"),
                row.getDouble("box_y_min"),
                row.getDouble("box_x_max"),
                row.getDouble("box_y_max"));
    }

    public ReviewRecord review(ResultSet row)
            throws SQLException
    {
        return new ReviewRecord(
                row.getLong("review_id"),
                row.getLong("review_inference_id"),
                row.getString("review_reviewer"),
                dialect.readTimestamp(row, "review_reviewed_at"),
                Optional.ofNullable(row.getString("review_comment")));
    }

    public ReviewBoxRecord reviewBox(ResultSet row)
            throws SQLException
    {
        long predicted = row.getLong("rbox_predicted_box_id");
        Optional<Long> predictedBoxId = row.wasNull() ? Optional.empty() : Optional.of(predicted);
        int classId = row.getInt("rbox_class_id");
        Optional<ReviewLabel> label = row.wasNull() ? Optional.empty() : Optional.of(new ReviewLabel(
                classId,
                row.getString("rbox_class_name"),
                row.getDouble("rbox_x_min"),
                row.getDouble("rbox_y_min"),
                row.getDouble("rbox_x_max"),
                row.getDouble("rbox_y_max")));
        return new ReviewBoxRecord(row.getLong("rbox_id"), row.getLong("rbox_review_id"), predictedBoxId, ReviewDecision.of(row.getString("rbox_decision")), label);
    }

    public ModelVersion modelVersion(ResultSet row)
            throws SQLException
    {
        return new ModelVersion(
                row.getLong("model_id"),
                row.getString("model_name"),
                row.getString("model_version"),
                classNames(row.getString("model_class_names")),
                dialect.readTimestamp(row, "model_registered_at"));
    }

    /** How a model's classes are stored: a JSON array of names in class-id order. */
    public static String classNamesJson(List<String> classNames)
    {
        return JSON.writeValueAsString(List.copyOf(classNames));
    }

    private static List<String> classNames(String json)
    {
        return JSON.readValue(json, STRINGS);
    }

    private static String prefixed(String alias, String prefix, String... columns)
    {
        StringBuilder list = new StringBuilder();
        for (String column : columns) {
            if (!list.isEmpty()) {
                list.append(", ");
            }
            list.append(alias).append('.').append(column).append(" AS ").append(prefix).append(column);
        }
        return list.toString();
    }
}
