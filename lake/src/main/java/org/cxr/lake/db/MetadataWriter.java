package org.cxr.lake.db;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.IngestResult;
import org.cxr.lake.NewInference;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.StoredInference;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/** Writes an image (if new), its inference and the inference's boxes in one transaction. */
public final class MetadataWriter
{
    private static final String INSERT_IMAGE_COLUMNS = """
            INSERT INTO image (sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen)
            VALUES (:sha256, :bucket, :objectKey, :originalFileName, :mediaType, :width, :height, :sizeBytes, :firstSeen)
            """;

    private static final String SELECT_IMAGE = "SELECT " + LakeColumns.image("m") + " FROM image m WHERE m.sha256 = :sha256";

    private static final String INSERT_INFERENCE = """
            INSERT INTO inference (image_id, created_at, confidence_threshold, nms_iou_threshold, model_name, model_version, duration_ms, user_name)
            VALUES (:imageId, :createdAt, :confidenceThreshold, :nmsIouThreshold, :modelName, :modelVersion, :durationMillis, :userName)
            """;

    private static final String INSERT_BOX = """
            INSERT INTO predicted_box (inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """;

    private final Database database;
    private final LakeColumns columns;
    private final String insertImageIfAbsent;

    public MetadataWriter(Database database)
    {
        this.database = requireNonNull(database, "database");
        this.columns = new LakeColumns(database.dialect());
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
     * {@code probablyKnown} (the image had a row when its bytes were staged) reads the image row before trying to insert
     * it, which saves the insert's round trip for an image uploaded again; either way the result is the same.
     */
    public IngestResult write(NewImage image, boolean probablyKnown, NewInference inference, Instant now, Consumer<IngestResult> alsoInTransaction)
    {
        requireNonNull(image, "image");
        requireNonNull(inference, "inference");
        requireNonNull(now, "now");
        requireNonNull(alsoInTransaction, "alsoInTransaction");
        return database.inTransaction(() -> {
            IngestResult result = writeRows(image, probablyKnown, inference, now);
            alsoInTransaction.accept(result);
            return result;
        });
    }

    private IngestResult writeRows(NewImage image, boolean probablyKnown, NewInference inference, Instant now)
    {
        SqlDialect dialect = database.dialect();
        // What the database keeps of the time, so that what is answered equals what a later read gives.
        Instant createdAt = now.truncatedTo(ChronoUnit.MICROS);
        // The image row as it is: this upload's, or the one an earlier upload of the same bytes made.
        Optional<ImageRecord> existing = probablyKnown ? storedImage(image.sha256()) : Optional.empty();
        boolean inserted = false;
        if (existing.isEmpty()) {
            inserted = database.jdbc().sql(insertImageIfAbsent)
                    .param("sha256", image.sha256())
                    .param("bucket", image.bucket())
                    .param("objectKey", image.objectKey())
                    .param("originalFileName", image.originalFileName())
                    .param("mediaType", image.mediaType().mimeType())
                    .param("width", image.width())
                    .param("height", image.height())
                    .param("sizeBytes", image.sizeBytes())
                    .param("firstSeen", dialect.timestamp(createdAt))
                    .update() > 0;
        }
        // A separate statement from the insert, so it sees the row of a racing upload that committed the same bytes first.
        ImageRecord stored = existing.or(() -> storedImage(image.sha256())).orElseThrow(() -> new IllegalStateException("no image row for " + image.sha256()));

        KeyHolder keys = new GeneratedKeyHolder();
        database.jdbc().sql(INSERT_INFERENCE)
                .param("imageId", stored.id())
                .param("createdAt", dialect.timestamp(createdAt))
                .param("confidenceThreshold", inference.confidenceThreshold())
                .param("nmsIouThreshold", inference.nmsIouThreshold())
                .param("modelName", inference.modelName())
                .param("modelVersion", inference.modelVersion())
                .param("durationMillis", inference.durationMillis())
                .param("userName", inference.userName().orElse(null))
                .update(keys, "id");
        long inferenceId = requireNonNull(keys.getKey(), "generated inference id").longValue();
        InferenceRecord row = new InferenceRecord(inferenceId, stored.id(), createdAt, inference.confidenceThreshold(), inference.nmsIouThreshold(),
                inference.modelName(), inference.modelVersion(), inference.durationMillis(), inference.userName());

        List<BoxRecord> boxes = insertBoxes(inferenceId, inference.boxes());
        return new IngestResult(stored.id(), inferenceId, image.sha256(), stored.objectKey(), inserted, new StoredInference(row, stored, boxes));
    }

    private Optional<ImageRecord> storedImage(String sha256)
    {
        return database.jdbc().sql(SELECT_IMAGE)
                .param("sha256", sha256)
                .query((resultSet, row) -> columns.image(resultSet))
                .optional();
    }

    /** The boxes with the ids they got, best first, as a read of the inference lists them. */
    private List<BoxRecord> insertBoxes(long inferenceId, List<PredictedBox> boxes)
    {
        List<Long> ids = database.batchInsert(INSERT_BOX, boxes.stream()
                .map(box -> new Object[] {inferenceId, box.classId(), box.className(), box.score(), box.xMin(), box.yMin(), box.xMax(), box.yMax()})
                .toList());
        List<BoxRecord> records = new ArrayList<>(boxes.size());
        for (int i = 0; i < boxes.size(); i++) {
            PredictedBox box = boxes.get(i);
            records.add(new BoxRecord(ids.get(i), inferenceId, box.classId(), box.className(), box.score(), box.xMin(), box.yMin(), box.xMax(), box.yMax()));
        }
        records.sort(Comparator.comparingDouble(BoxRecord::score).reversed().thenComparingLong(BoxRecord::id));
        return records;
    }
}
