package org.cxr.lake;

import org.cxr.lake.db.ModelRegistry;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Loads rows into the lake with the ids they had: what a restore from a backup does (and a benchmark that makes a
 * lake of millions of rows). Rows are loaded in one transaction ({@link #load}); new rows after it get ids above
 * every loaded one. On PostgreSQL the rows go in with {@code COPY}, several times faster than batched inserts.
 */
public final class LakeRestore
{
    private static final List<String> TABLES = List.of("image", "inference", "predicted_box", "review", "review_box");

    private final Database database;
    private final SqlDialect dialect;
    private final ModelRegistry models;

    public LakeRestore(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.dialect = database.dialect();
        this.models = new ModelRegistry(database, clock);
    }

    /** The tables of images, inferences, boxes and reviews that hold rows. */
    public List<String> tablesWithRows()
    {
        return TABLES.stream()
                .filter(table -> database.jdbc().sql("SELECT 1 FROM " + table + " LIMIT 1").query(Integer.class).optional().isPresent())
                .toList();
    }

    /**
     * Moves the id counters of images, inferences and reviews past the watermark, so that no new row can take the id of a row
     * in a backup. Call it before loading: on MySQL moving a counter commits, and on an empty table a later row could
     * not move it back.
     */
    public void reserveIds(Watermark upTo)
    {
        reserveIds("image", upTo.imageId());
        reserveIds("inference", upTo.inferenceId());
        reserveIds("review", upTo.reviewId());
    }

    /** Runs the load in one transaction: every row is loaded, or none. */
    public <T> T load(Function<Loader, T> load)
    {
        requireNonNull(load, "load");
        return database.inTransaction(() -> {
            Loader loader = new Loader();
            T result = load.apply(loader);
            // InnoDB moves AUTO_INCREMENT past explicit ids by itself (and moving it by hand would commit on MySQL).
            if (dialect == SqlDialect.POSTGRESQL) {
                reserveIds("predicted_box", loader.maxBoxId);
                reserveIds("review_box", loader.maxReviewBoxId);
            }
            return result;
        });
    }

    private void reserveIds(String table, long lastId)
    {
        if (lastId < 1) {
            return;
        }
        switch (dialect) {
            case POSTGRESQL -> database.jdbc().sql("SELECT setval(pg_get_serial_sequence(?, 'id'), ?)").params(table, lastId).query(Long.class).single();
            // DDL takes no bind parameters; the table name is one of the constants above and the value a number.
            case MYSQL -> database.jdbc().sql("ALTER TABLE " + table + " AUTO_INCREMENT = " + Math.addExact(lastId, 1)).update();
        }
    }

    /**
     * Brings the tables' statistics (and on PostgreSQL their visibility map) up to date after a large load, as a lake
     * that has been up a while has them; without it the first reads would pay for millions of fresh rows.
     */
    public void analyze()
    {
        switch (dialect) {
            // VACUUM runs outside a transaction, on a connection of its own.
            case POSTGRESQL -> database.jdbc().sql("VACUUM ANALYZE image, inference, predicted_box, model_version, review, review_box").update();
            case MYSQL -> database.jdbc().sql("ANALYZE TABLE image, inference, predicted_box, model_version, review, review_box").query().listOfRows();
        }
    }

    private String insert(String table, String columns, int count)
    {
        String values = String.join(", ", Collections.nCopies(count, "?"));
        String override = dialect == SqlDialect.POSTGRESQL ? " OVERRIDING SYSTEM VALUE" : "";
        return "INSERT INTO " + table + " (" + columns + ")" + override + " VALUES (" + values + ")";
    }

    private static final String IMAGE_COLUMNS = "id, sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen";
    private static final String INFERENCE_COLUMNS = "id, image_id, created_at, confidence_threshold, nms_iou_threshold, model_name, model_version, duration_ms, user_name";
    private static final String BOX_COLUMNS = "id, inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max";
    private static final String REVIEW_COLUMNS = "id, inference_id, reviewer, reviewed_at, comment";
    private static final String REVIEW_BOX_COLUMNS = "id, review_id, predicted_box_id, decision, class_id, class_name, x_min, y_min, x_max, y_max";

    /** Inserts rows with their ids, within the load's transaction. */
    public final class Loader
    {
        private final String insertImage = insert("image", IMAGE_COLUMNS, 10);
        private final String insertInference = insert("inference", INFERENCE_COLUMNS, 9);
        private final String insertBox = insert("predicted_box", BOX_COLUMNS, 9);
        private final String insertReview = insert("review", REVIEW_COLUMNS, 5);
        private final String insertReviewBox = insert("review_box", REVIEW_BOX_COLUMNS, 10);
        private long maxBoxId;
        private long maxReviewBoxId;

        private Loader() {}

        /** The ids of the images already loaded with these hashes. */
        public Map<String, Long> imageIds(Collection<String> sha256s)
        {
            Map<String, Long> ids = new HashMap<>();
            if (sha256s.isEmpty()) {
                return ids;
            }
            database.jdbc().sql("SELECT id, sha256 FROM image WHERE sha256 IN (:sha256s)")
                    .param("sha256s", List.copyOf(sha256s))
                    .query(resultSet -> {
                        ids.put(resultSet.getString("sha256"), resultSet.getLong("id"));
                    });
            return ids;
        }

        public void images(List<ImageRecord> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (ImageRecord row : rows) {
                inserts.add(new Object[] {row.id(), row.sha256(), row.bucket(), row.objectKey(), row.originalFileName(), row.mediaType().mimeType(),
                        row.width(), row.height(), row.sizeBytes(), dialect.timestamp(row.firstSeen())});
            }
            write("image", IMAGE_COLUMNS, insertImage, inserts);
        }

        public void inferences(List<InferenceRecord> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (InferenceRecord row : rows) {
                inserts.add(new Object[] {row.id(), row.imageId(), dialect.timestamp(row.createdAt()), row.confidenceThreshold(), row.nmsIouThreshold(),
                        row.modelName(), row.modelVersion(), row.durationMillis(), row.userName().orElse(null)});
            }
            write("inference", INFERENCE_COLUMNS, insertInference, inserts);
        }

        public void boxes(List<BoxRecord> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (BoxRecord row : rows) {
                inserts.add(new Object[] {row.id(), row.inferenceId(), row.classId(), row.className(), row.score(), row.xMin(), row.yMin(), row.xMax(), row.yMax()});
                maxBoxId = Math.max(maxBoxId, row.id());
            }
            write("predicted_box", BOX_COLUMNS, insertBox, inserts);
        }

        /** Reviews, after the inferences they are of. */
        public void reviews(List<ReviewRecord> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (ReviewRecord row : rows) {
                inserts.add(new Object[] {row.id(), row.inferenceId(), row.reviewer(), dialect.timestamp(row.reviewedAt()), row.comment().orElse(null)});
            }
            write("review", REVIEW_COLUMNS, insertReview, inserts);
        }

        /** Review decisions, after their reviews and the boxes they are about. */
        public void reviewBoxes(List<ReviewBoxRecord> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (ReviewBoxRecord row : rows) {
                Optional<ReviewLabel> label = row.label();
                inserts.add(new Object[] {row.id(), row.reviewId(), row.predictedBoxId().orElse(null), row.decision().word(),
                        label.map(ReviewLabel::classId).orElse(null), label.map(ReviewLabel::className).orElse(null),
                        label.map(ReviewLabel::xMin).orElse(null), label.map(ReviewLabel::yMin).orElse(null),
                        label.map(ReviewLabel::xMax).orElse(null), label.map(ReviewLabel::yMax).orElse(null)});
                maxReviewBoxId = Math.max(maxReviewBoxId, row.id());
            }
            write("review_box", REVIEW_BOX_COLUMNS, insertReviewBox, inserts);
        }

        private void write(String table, String columns, String insert, List<Object[]> rows)
        {
            if (dialect == SqlDialect.POSTGRESQL) {
                database.copyIn(table, columns, rows);
            }
            else {
                database.batchUpdate(insert, rows);
            }
        }

        /**
         * Registers the models unless registered already (a server may have registered its own before the restore);
         * a model registered with other classes is a conflict. Their ids are the lake's own: nothing refers to them, as
         * inferences name their model by name and version.
         */
        public void models(List<ModelVersion> rows)
        {
            for (ModelVersion model : rows) {
                LakeRestore.this.models.register(model.name(), model.version(), model.classNames(), model.registeredAt());
            }
        }
    }
}
