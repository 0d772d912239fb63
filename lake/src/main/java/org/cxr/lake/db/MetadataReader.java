package org.cxr.lake.db;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceFilter;
import org.cxr.lake.InferencePage;
import org.cxr.lake.InferenceSummary;
import org.cxr.lake.PageCursor;
import org.cxr.lake.PageRequest;
import org.cxr.lake.StoredInference;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** The queries the web application and the sweeper need. */
public final class MetadataReader
{
    private static final String SELECT_IMAGE_BY_SHA256 = "SELECT " + LakeColumns.image("m") + " FROM image m WHERE m.sha256 = :sha256";

    private static final String SELECT_INFERENCE = "SELECT " + LakeColumns.inference("i") + ", " + LakeColumns.image("m") + """

            FROM inference i
            JOIN image m ON m.id = i.image_id
            WHERE i.id = :id
            """;

    private static final String SELECT_BOXES = "SELECT " + LakeColumns.box("b") + """

            FROM predicted_box b
            WHERE b.inference_id = :inferenceId
            ORDER BY b.score DESC, b.id
            """;

    private static final String LIST_INFERENCES = """
            SELECT i.id, i.created_at, i.image_id, m.sha256, m.original_file_name, i.model_name, i.model_version, i.duration_ms, i.user_name,
                   (SELECT COUNT(*) FROM predicted_box c WHERE c.inference_id = i.id) AS box_count
            FROM inference i
            JOIN image m ON m.id = i.image_id
            WHERE 1 = 1
            """;

    private static final String COUNT_INFERENCES_OF_IMAGE_BY_USER = """
            SELECT COUNT(*) FROM inference i JOIN image m ON m.id = i.image_id WHERE m.sha256 = :sha256 AND i.user_name = :userName
            """;

    private static final String SELECT_KNOWN_OBJECT_KEYS = "SELECT object_key FROM image WHERE bucket = :bucket AND object_key IN (:keys)";

    private final Database database;
    private final LakeColumns columns;

    public MetadataReader(Database database)
    {
        this.database = requireNonNull(database, "database");
        this.columns = new LakeColumns(database.dialect());
    }

    public Optional<ImageRecord> image(String sha256)
    {
        requireNonNull(sha256, "sha256");
        return database.jdbc().sql(SELECT_IMAGE_BY_SHA256)
                .param("sha256", sha256)
                .query((resultSet, row) -> columns.image(resultSet))
                .optional();
    }

    public Optional<StoredInference> inference(long id)
    {
        // One snapshot, so that the boxes are read from the same committed state as their inference.
        return database.inSnapshot(() -> database.jdbc().sql(SELECT_INFERENCE)
                .param("id", id)
                .query((resultSet, row) -> new StoredInference(columns.inference(resultSet), columns.image(resultSet), List.of()))
                .optional()
                .map(found -> new StoredInference(found.inference(), found.image(), boxes(id))));
    }

    private List<BoxRecord> boxes(long inferenceId)
    {
        return database.jdbc().sql(SELECT_BOXES)
                .param("inferenceId", inferenceId)
                .query((resultSet, row) -> columns.box(resultSet))
                .list();
    }

    /** Newest first. Only fixed SQL fragments are appended; every value is a bind parameter. */
    public InferencePage inferences(InferenceFilter filter, PageRequest page)
    {
        requireNonNull(filter, "filter");
        requireNonNull(page, "page");
        SqlDialect dialect = database.dialect();
        StringBuilder sql = new StringBuilder(LIST_INFERENCES);
        Map<String, Object> parameters = new HashMap<>();
        filter.from().ifPresent(from -> {
            sql.append("  AND i.created_at >= :from\n");
            parameters.put("from", dialect.timestamp(from));
        });
        filter.to().ifPresent(to -> {
            sql.append("  AND i.created_at < :to\n");
            parameters.put("to", dialect.timestamp(to));
        });
        filter.userName().ifPresent(userName -> {
            sql.append("  AND i.user_name = :userName\n");
            parameters.put("userName", userName);
        });
        if (filter.filtersBoxes()) {
            sql.append("  AND EXISTS (SELECT 1 FROM predicted_box b WHERE b.inference_id = i.id");
            filter.classId().ifPresent(classId -> {
                sql.append(" AND b.class_id = :classId");
                parameters.put("classId", classId);
            });
            filter.minScore().ifPresent(minScore -> {
                sql.append(" AND b.score >= :minScore");
                parameters.put("minScore", minScore);
            });
            sql.append(")\n");
        }
        page.after().ifPresent(cursor -> {
            sql.append("  AND (i.created_at < :afterCreatedAt OR (i.created_at = :afterCreatedAt AND i.id < :afterId))\n");
            parameters.put("afterCreatedAt", dialect.timestamp(cursor.createdAt()));
            parameters.put("afterId", cursor.inferenceId());
        });
        // One row more than asked tells whether there is a next page.
        sql.append("ORDER BY i.created_at DESC, i.id DESC\nLIMIT :limit");
        parameters.put("limit", page.limit() + 1);

        List<InferenceSummary> rows = database.jdbc().sql(sql.toString())
                .params(parameters)
                .query((resultSet, row) -> new InferenceSummary(
                        resultSet.getLong("id"),
                        dialect.readTimestamp(resultSet, "created_at"),
                        resultSet.getLong("image_id"),
                        resultSet.getString("sha256"),
                        resultSet.getString("original_file_name"),
                        resultSet.getString("model_name"),
                        resultSet.getString("model_version"),
                        resultSet.getLong("duration_ms"),
                        Optional.ofNullable(resultSet.getString("user_name")),
                        resultSet.getInt("box_count")))
                .list();
        if (rows.size() <= page.limit()) {
            return new InferencePage(rows, Optional.empty());
        }
        List<InferenceSummary> items = rows.subList(0, page.limit());
        InferenceSummary last = items.get(items.size() - 1);
        return new InferencePage(items, Optional.of(new PageCursor(last.createdAt(), last.id())));
    }

    /** Whether the user uploaded this image (an image uploaded by several users belongs to each of them). */
    public boolean uploadedBy(String sha256, String userName)
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(userName, "userName");
        return database.jdbc().sql(COUNT_INFERENCES_OF_IMAGE_BY_USER)
                .param("sha256", sha256)
                .param("userName", userName)
                .query(Long.class)
                .single() > 0;
    }

    /** Which of these keys in the bucket belong to an image row. */
    public Set<String> knownObjectKeys(String bucket, Collection<String> keys)
    {
        requireNonNull(bucket, "bucket");
        if (keys.isEmpty()) {
            return Set.of();
        }
        return Set.copyOf(database.jdbc().sql(SELECT_KNOWN_OBJECT_KEYS)
                .param("bucket", bucket)
                .param("keys", List.copyOf(keys))
                .query(String.class)
                .list());
    }
}
