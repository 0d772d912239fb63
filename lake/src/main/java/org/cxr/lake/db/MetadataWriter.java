package org.cxr.lake.db;

import org.cxr.lake.IngestResult;
import org.cxr.lake.NewInference;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** Writes an image (if new), its inference and the inference's boxes in one transaction. */
public final class MetadataWriter
{
    private static final String INSERT_IMAGE_COLUMNS = """
            INSERT INTO image (sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen)
            VALUES (:sha256, :bucket, :objectKey, :originalFileName, :mediaType, :width, :height, :sizeBytes, :firstSeen)
            """;

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
    private final String insertImageIfAbsent;

    public MetadataWriter(Database database)
    {
        this.database = requireNonNull(database, "database");
        this.insertImageIfAbsent = INSERT_IMAGE_COLUMNS + switch (database.dialect()) {
            // No conflict target: the object key is named by the hash, so racing uploads of one image collide on either
            // unique key, and a conflict on the one not named as the target would be an error.
            case POSTGRESQL -> "ON CONFLICT DO NOTHING";
            // Not INSERT IGNORE: it would also turn constraint and truncation errors into warnings.
            case MYSQL -> "ON DUPLICATE KEY UPDATE id = id";
        };
    }

    /**
     * Commits all rows or none, and with them whatever {@code alsoInTransaction} writes through the database's client
     * (the audit row of the upload): the caller's rows are committed with the upload's, or neither is.
     */
    public IngestResult write(NewImage image, NewInference inference, Instant now, Consumer<IngestResult> alsoInTransaction)
    {
        requireNonNull(image, "image");
        requireNonNull(inference, "inference");
        requireNonNull(now, "now");
        requireNonNull(alsoInTransaction, "alsoInTransaction");
        return database.inTransaction(() -> {
            IngestResult result = writeRows(image, inference, now);
            alsoInTransaction.accept(result);
            return result;
        });
    }

    private IngestResult writeRows(NewImage image, NewInference inference, Instant now)
    {
        SqlDialect dialect = database.dialect();
        int inserted = database.jdbc().sql(insertImageIfAbsent)
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
        ImageKey stored = database.jdbc().sql(SELECT_IMAGE)
                .param("sha256", image.sha256())
                .query((resultSet, row) -> new ImageKey(resultSet.getLong("id"), resultSet.getString("object_key")))
                .single();

        KeyHolder keys = new GeneratedKeyHolder();
        database.jdbc().sql(INSERT_INFERENCE)
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
        database.batchUpdate(INSERT_BOX, boxes.stream()
                .map(box -> new Object[] {inferenceId, box.classId(), box.className(), box.score(), box.xMin(), box.yMin(), box.xMax(), box.yMax()})
                .toList());
    }

    private record ImageKey(long id, String objectKey) {}
}
