package org.cxr.lake;

import org.cxr.lake.db.LakeColumns;
import org.cxr.lake.sql.SqlDialect;

import static java.util.Objects.requireNonNull;

/**
 * The lake's rows as SQL that a parallel reader runs itself over JDBC (Apache Spark's JDBC source), each query one
 * range of ids that the reader splits into ranges of its own by a numeric column. The lake stays the one owner of its
 * tables: other modules get the text of these queries, never write SQL of their own over the tables.
 *
 * <p>Columns are named as {@link LakeColumns} names them ({@code image_sha256}, {@code inference_model_name},
 * {@code box_score}, ...); every time is a BIGINT of microseconds since the epoch named {@code ..._micros}
 * ({@link SqlDialect#epochMicros}), so no reader's time zone can shift it. The rows of a range never change while it is
 * read (the lake only inserts, and purges only rows behind every stage's watermark), so the ranges may be read in
 * separate transactions.
 */
public final class LakeRangeQueries
{
    private final SqlDialect dialect;

    public LakeRangeQueries(SqlDialect dialect)
    {
        this.dialect = requireNonNull(dialect, "dialect");
    }

    /**
     * One query over the rows whose {@code partitionColumn} lies in {@code (afterId, lastId]}, whatever else the reader
     * adds to its WHERE clause.
     *
     * @param sql a SELECT that a reader may use as a derived table ({@link #derivedTable()})
     */
    public record RangeQuery(String sql, String partitionColumn, long afterId, long lastId)
    {
        public RangeQuery
        {
            requireNonNull(sql, "sql");
            requireNonNull(partitionColumn, "partitionColumn");
            if (lastId < afterId) {
                throw new IllegalArgumentException("an id range cannot end before it starts: (" + afterId + ", " + lastId + "]");
            }
        }

        /** {@code (sql) AS rows_in_range}, for a reader that selects from a table name. */
        public String derivedTable()
        {
            return "(" + sql + ") AS rows_in_range";
        }

        public boolean isEmpty()
        {
            return lastId == afterId;
        }
    }

    /** Images with ids in (afterId, lastId], by {@code image_id}. */
    public RangeQuery images(long afterId, long lastId)
    {
        String sql = "SELECT " + imageColumns("m") + " FROM image m WHERE m.id > " + afterId + " AND m.id <= " + lastId;
        return new RangeQuery(sql, "image_id", afterId, lastId);
    }

    /**
     * Inferences with ids in (afterId, lastId], each with its image, one row per box (an inference without boxes as one
     * row whose {@code box_} columns are null, as a left join gives it), by {@code inference_id}.
     */
    public RangeQuery inferencesWithBoxes(long afterId, long lastId)
    {
        String sql = "SELECT " + inferenceColumns("i") + ", " + imageColumns("m") + ", " + LakeColumns.box("b")
                + " FROM inference i JOIN image m ON m.id = i.image_id LEFT JOIN predicted_box b ON b.inference_id = i.id"
                + " WHERE i.id > " + afterId + " AND i.id <= " + lastId;
        return new RangeQuery(sql, "inference_id", afterId, lastId);
    }

    /**
     * Reviews with ids in (afterId, lastId], each with the SHA-256 of its inference's image ({@code image_sha256}), one
     * row per decision (a review without decisions as one row whose {@code rbox_} columns are null), by
     * {@code review_id}.
     */
    public RangeQuery reviewsWithBoxes(long afterId, long lastId)
    {
        String sql = "SELECT r.id AS review_id, r.inference_id AS review_inference_id, r.reviewer AS review_reviewer, "
                + dialect.epochMicros("r.reviewed_at") + " AS review_reviewed_at_micros, r.comment AS review_comment, m.sha256 AS image_sha256, "
                + LakeColumns.reviewBox("rb")
                + " FROM review r JOIN inference i ON i.id = r.inference_id JOIN image m ON m.id = i.image_id LEFT JOIN review_box rb ON rb.review_id = r.id"
                + " WHERE r.id > " + afterId + " AND r.id <= " + lastId;
        return new RangeQuery(sql, "review_id", afterId, lastId);
    }

    private String imageColumns(String alias)
    {
        return alias + ".id AS image_id, " + alias + ".sha256 AS image_sha256, " + alias + ".bucket AS image_bucket, " + alias + ".object_key AS image_object_key, "
                + alias + ".original_file_name AS image_original_file_name, " + alias + ".media_type AS image_media_type, " + alias + ".width AS image_width, "
                + alias + ".height AS image_height, " + alias + ".size_bytes AS image_size_bytes, " + dialect.epochMicros(alias + ".first_seen") + " AS image_first_seen_micros";
    }

    private String inferenceColumns(String alias)
    {
        return alias + ".id AS inference_id, " + alias + ".image_id AS inference_image_id, " + dialect.epochMicros(alias + ".created_at") + " AS inference_created_at_micros, "
                + alias + ".confidence_threshold AS inference_confidence_threshold, " + alias + ".nms_iou_threshold AS inference_nms_iou_threshold, "
                + alias + ".model_name AS inference_model_name, " + alias + ".model_version AS inference_model_version, " + alias + ".duration_ms AS inference_duration_ms, "
                + alias + ".user_name AS inference_user_name";
    }
}
