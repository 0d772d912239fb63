package org.cxr.lake.db;

import org.cxr.lake.IngestResult;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.PredictedBox;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static java.util.Objects.requireNonNull;

/** Writes an image (if new), its inference and the inference's boxes in one transaction. */
public final class MetadataWriter
{
    private static final int MAX_ATTEMPTS = 5;

    private static final String SELECT_IMAGE = "SELECT id, object_key FROM image WHERE sha256 = :sha256";

    private static final String INSERT_INFERENCE = """
            INSERT INTO inference (image_id, created_at, confidence_threshold, nms_iou_threshold, model_name, model_version, duration_ms, user_name)
            VALUES (:imageId, :createdAt, :confidenceThreshold, :nmsIouThreshold, :modelName, :modelVersion, :durationMillis, :userName)
            """;

    private static final String INSERT_BOX = """
            INSERT INTO predicted_box (inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private final Database database;

    public MetadataWriter(Database database)
    {
        this.database = requireNonNull(database, "database");
    }

    /**
     * Commits all rows or none. Concurrent uploads of one image can deadlock on its unique key (MySQL); the loser's
     * transaction is rolled back whole, so it is simply run again.
     */
    public IngestResult write(NewImage image, InferenceRecord inference, Instant now)
    {
        requireNonNull(image, "image");
        requireNonNull(inference, "inference");
        requireNonNull(now, "now");
        for (int attempt = 1; ; attempt++) {
            try {
                return database.transactions().execute(status -> writeInTransaction(image, inference, now));
            }
            catch (TransientDataAccessException e) {
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
                backOff(attempt);
            }
        }
    }

    private IngestResult writeInTransaction(NewImage image, InferenceRecord inference, Instant now)
    {
        SqlDialect dialect = database.dialect();
        int inserted = database.jdbcClient().sql(dialect.insertImageIfAbsentSql())
                .param("sha256", image.sha256())
                .param("bucket", image.bucket())
                .param("objectKey", image.objectKey())
                .param("originalFileName", image.originalFileName())
                .param("mediaType", image.mediaType().mimeType())
                .param("width", image.width())
                .param("height", image.height())
                .param("sizeBytes", image.sizeBytes())
                .param("firstSeen", dialect.timestamp(now))
                .update();
        ImageKey stored = database.jdbcClient().sql(SELECT_IMAGE)
                .param("sha256", image.sha256())
                .query((resultSet, row) -> new ImageKey(resultSet.getLong("id"), resultSet.getString("object_key")))
                .single();

        KeyHolder keys = new GeneratedKeyHolder();
        database.jdbcClient().sql(INSERT_INFERENCE)
                .param("imageId", stored.id())
                .param("createdAt", dialect.timestamp(now))
                .param("confidenceThreshold", inference.confidenceThreshold())
                .param("nmsIouThreshold", inference.nmsIouThreshold())
                .param("modelName", inference.modelName())
                .param("modelVersion", inference.modelVersion())
                .param("durationMillis", inference.durationMillis())
                .param("userName", inference.userName().orElse(null))
                .update(keys, "id");
        long inferenceId = requireNonNull(keys.getKey(), "generated inference id").longValue();

        insertBoxes(inferenceId, inference.boxes());
        return new IngestResult(stored.id(), inferenceId, image.sha256(), stored.objectKey(), inserted > 0);
    }

    private void insertBoxes(long inferenceId, List<PredictedBox> boxes)
    {
        if (boxes.isEmpty()) {
            return;
        }
        List<Object[]> rows = boxes.stream()
                .map(box -> new Object[] {inferenceId, box.classId(), box.className(), box.score(), box.xMin(), box.yMin(), box.xMax(), box.yMax()})
                .toList();
        database.jdbcTemplate().batchUpdate(INSERT_BOX, rows);
    }

    private static void backOff(int attempt)
    {
        try {
            // Jitter, so that the transactions that collided do not collide again.
            Thread.sleep(10L * attempt + ThreadLocalRandom.current().nextLong(20));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a metadata write", e);
        }
    }

    private record ImageKey(long id, String objectKey) {}
}
