package org.cxr.warehouse;

import org.cxr.lake.MediaType;
import org.cxr.lake.db.Database;
import org.cxr.lake.db.SqlDialect;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Reads the lake's inferences in id order, a page at a time, with their images and boxes.
 *
 * <p>Only inferences created before the cutoff are taken, and only up to the first one that is not: ids are handed
 * out before their transactions commit, so a row with a higher id can be visible while a lower one is still being
 * written. Stopping at the first unsettled row, rather than skipping it, keeps the watermark from passing a row that
 * will appear later.
 */
final class LakeReader
{
    private static final String SELECT_INFERENCES = """
            SELECT i.id, i.created_at, i.confidence_threshold, i.nms_iou_threshold, i.model_name, i.model_version, i.duration_ms, i.user_name,
                   m.id AS image_id, m.sha256, m.bucket, m.object_key, m.original_file_name, m.media_type, m.width, m.height, m.size_bytes, m.first_seen
            FROM inference i
            JOIN image m ON m.id = i.image_id
            WHERE i.id > :after
            ORDER BY i.id
            LIMIT :limit
            """;

    private static final String SELECT_BOXES = """
            SELECT id, inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max
            FROM predicted_box
            WHERE inference_id > :after AND inference_id <= :last
            ORDER BY inference_id, id
            """;

    private final SqlDialect dialect;
    private final JdbcClient jdbc;
    private final TransactionTemplate snapshot;

    LakeReader(Database database)
    {
        requireNonNull(database, "database");
        this.dialect = database.dialect();
        this.jdbc = JdbcClient.create(database.dataSource());
        this.snapshot = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        // Both queries of a page see one committed state, so every inference comes with all of its boxes.
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
    }

    LakePage page(long afterInferenceId, int limit, Instant cutoff)
    {
        requireNonNull(cutoff, "cutoff");
        return requireNonNull(snapshot.execute(status -> readPage(afterInferenceId, limit, cutoff)), "page");
    }

    private LakePage readPage(long after, int limit, Instant cutoff)
    {
        List<InferenceRow> rows = jdbc.sql(SELECT_INFERENCES)
                .param("after", after)
                .param("limit", limit)
                .query((resultSet, row) -> inferenceRow(resultSet))
                .list();
        List<InferenceRow> settled = new ArrayList<>();
        for (InferenceRow row : rows) {
            if (!row.createdAt().isBefore(cutoff)) {
                break;
            }
            settled.add(row);
        }
        boolean last = settled.size() < rows.size() || rows.size() < limit;
        if (settled.isEmpty()) {
            return LakePage.empty(after);
        }
        long lastId = settled.get(settled.size() - 1).id();

        Map<Long, List<Detection>> boxes = new HashMap<>();
        jdbc.sql(SELECT_BOXES)
                .param("after", after)
                .param("last", lastId)
                .query(resultSet -> {
                    boxes.computeIfAbsent(resultSet.getLong("inference_id"), id -> new ArrayList<>()).add(new Detection(
                            resultSet.getLong("id"),
                            resultSet.getInt("class_id"),
                            resultSet.getString("class_name"),
                            resultSet.getDouble("score"),
                            resultSet.getDouble("x_min"),
                            resultSet.getDouble("y_min"),
                            resultSet.getDouble("x_max"),
                            resultSet.getDouble("y_max")));
                });

        Map<String, ImageRow> images = new LinkedHashMap<>();
        Map<String, List<InferenceDocument>> inferences = new HashMap<>();
        int boxCount = 0;
        for (InferenceRow row : settled) {
            List<Detection> detections = boxes.getOrDefault(row.id(), List.of());
            boxCount += detections.size();
            images.putIfAbsent(row.image().sha256(), row.image());
            inferences.computeIfAbsent(row.image().sha256(), sha256 -> new ArrayList<>()).add(row.toDocument(detections));
        }
        List<ImageDocument> documents = images.values().stream()
                .map(image -> image.toDocument(inferences.get(image.sha256())))
                .toList();
        return new LakePage(documents, settled.size(), boxCount, lastId, last);
    }

    private InferenceRow inferenceRow(ResultSet resultSet)
            throws SQLException
    {
        return new InferenceRow(
                resultSet.getLong("id"),
                dialect.readTimestamp(resultSet, "created_at"),
                resultSet.getDouble("confidence_threshold"),
                resultSet.getDouble("nms_iou_threshold"),
                resultSet.getString("model_name"),
                resultSet.getString("model_version"),
                resultSet.getLong("duration_ms"),
                Optional.ofNullable(resultSet.getString("user_name")),
                new ImageRow(
                        resultSet.getString("sha256"),
                        resultSet.getLong("image_id"),
                        resultSet.getString("bucket"),
                        resultSet.getString("object_key"),
                        resultSet.getString("original_file_name"),
                        MediaType.fromMimeType(resultSet.getString("media_type")),
                        resultSet.getInt("width"),
                        resultSet.getInt("height"),
                        resultSet.getLong("size_bytes"),
                        dialect.readTimestamp(resultSet, "first_seen")));
    }

    private record ImageRow(String sha256, long id, String bucket, String objectKey, String fileName, MediaType mediaType, int width, int height, long sizeBytes, Instant firstSeen)
    {
        ImageDocument toDocument(List<InferenceDocument> inferences)
        {
            return new ImageDocument(sha256, id, bucket, objectKey, fileName, mediaType, width, height, sizeBytes, firstSeen, inferences);
        }
    }

    private record InferenceRow(
            long id,
            Instant createdAt,
            double confidenceThreshold,
            double nmsIouThreshold,
            String modelName,
            String modelVersion,
            long durationMillis,
            Optional<String> userName,
            ImageRow image)
    {
        InferenceDocument toDocument(List<Detection> detections)
        {
            return new InferenceDocument(id, createdAt, modelName, modelVersion, confidenceThreshold, nmsIouThreshold, durationMillis, userName, detections);
        }
    }
}
