package org.cxr.backup;

import org.apache.avro.generic.GenericRecord;
import org.cxr.lake.db.Database;
import org.cxr.lake.db.SqlDialect;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.store.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Loads every backed-up run, in run order, into an empty lake database, with the rows' own ids, and sets the backup
 * watermark to the end of the last run, so that backups carry on where they were.
 *
 * <p>All rows are loaded in one transaction: a restore either completes or leaves the database empty, and can simply
 * be run again. Each file is checked against its manifest (size, SHA-256, rows, schema) before its rows are loaded.
 * New rows after the restore get ids above every backed-up one: the identity sequences (PostgreSQL) and
 * AUTO_INCREMENT counters (MySQL) are moved past the restored watermark, so no new row can take the id of a row that
 * is already in a backup.
 */
public final class Restore
{
    private static final Logger log = LoggerFactory.getLogger(Restore.class);

    private static final int BATCH_SIZE = 500;
    private static final List<String> TABLES = List.of("image", "inference", "predicted_box");

    private final Database database;
    private final ObjectStore store;
    private final BackupLayout layout;
    private final BackupCatalog catalog;
    private final BackupVerifier verifier;
    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;
    private final Watermarks watermarks;

    public Restore(Database database, ObjectStore store, BackupConfig config, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.layout = new BackupLayout(requireNonNull(config, "config").prefix());
        this.catalog = new BackupCatalog(store, config);
        this.verifier = new BackupVerifier(store);
        this.jdbc = JdbcClient.create(database.dataSource());
        this.jdbcTemplate = new JdbcTemplate(database.dataSource());
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.watermarks = new Watermarks(database, requireNonNull(clock, "clock"));
    }

    /** Restores every verified backup; refuses, changing nothing, unless the lake's tables are empty. */
    public RestoreResult run()
    {
        checkEmpty();
        List<Manifest> manifests = catalog.manifests();
        Watermark restored = manifests.stream()
                .map(Manifest::watermarkTo)
                .reduce(Watermark.START, (a, b) -> new Watermark(Math.max(a.imageId(), b.imageId()), Math.max(a.inferenceId(), b.inferenceId())));
        // Before any row: on MySQL moving a counter commits, and on an empty table it cannot be undone by a later row.
        reserveIds("image", restored.imageId());
        reserveIds("inference", restored.inferenceId());

        RestoreResult result;
        try {
            result = transactions.execute(status -> {
                checkEmpty();
                Loader loader = new Loader();
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.IMAGES).forEach(file -> loader.load(file, AvroRows::image, loader::insertImages));
                }
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.INFERENCES).forEach(file -> loader.load(file, AvroRows::inference, loader::insertInferences));
                }
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.PREDICTED_BOXES).forEach(file -> loader.load(file, AvroRows::box, loader::insertBoxes));
                }
                continueBoxIdsAfter(loader.maxBoxId);
                watermarks.advance(Backup.STAGE, restored);
                return new RestoreResult(manifests.size(), loader.files, loader.bytes, loader.images, loader.inferences, loader.boxes, loader.imagesMerged, restored);
            });
        }
        catch (DataIntegrityViolationException e) {
            throw new BackupException("The backup does not load into the lake's schema (two runs holding the same row, or a run missing); nothing was restored: "
                    + e.getMostSpecificCause().getMessage(), e);
        }

        // A plan is an unfinished run against the database that was lost; the next backup run plans afresh.
        for (String key : catalog.keys(layout.planPrefix())) {
            store.delete(key);
        }
        log.info("Restored {} backup runs: {} images ({} merged), {} inferences, {} boxes; backup watermark {}",
                result.manifests(), result.images(), result.imagesMerged(), result.inferences(), result.predictedBoxes(), result.watermark());
        return result;
    }

    private void checkEmpty()
    {
        List<String> notEmpty = TABLES.stream()
                .filter(table -> jdbc.sql("SELECT 1 FROM " + table + " LIMIT 1").query(Integer.class).optional().isPresent())
                .toList();
        if (!notEmpty.isEmpty()) {
            throw new BackupException("Restore needs an empty lake database, but table " + String.join(", ", notEmpty)
                    + " has rows. Restore into a newly created (and migrated) database.");
        }
        Watermark watermark = watermarks.read(Backup.STAGE);
        if (!watermark.equals(Watermark.START)) {
            throw new BackupException("Restore needs a database that has never been backed up, but the backup watermark is at " + watermark
                    + ". Restore into a newly created (and migrated) database.");
        }
    }

    /** The next id the table hands out is above {@code lastId}. */
    private void reserveIds(String table, long lastId)
    {
        if (lastId < 1) {
            return;
        }
        switch (database.dialect()) {
            case POSTGRESQL -> jdbc.sql("SELECT setval(pg_get_serial_sequence(?, 'id'), ?)").params(table, lastId).query(Long.class).single();
            // DDL takes no bind parameters; the table name is one of three constants and the value a number.
            case MYSQL -> jdbc.sql("ALTER TABLE " + table + " AUTO_INCREMENT = " + Math.addExact(lastId, 1)).update();
        }
    }

    private void continueBoxIdsAfter(long lastId)
    {
        // InnoDB moves AUTO_INCREMENT past explicit ids by itself (and moving it by hand would commit on MySQL).
        if (database.dialect() == SqlDialect.POSTGRESQL && lastId > 0) {
            reserveIds("predicted_box", lastId);
        }
    }

    private String insert(String table, String columns, int count)
    {
        String values = String.join(", ", Collections.nCopies(count, "?"));
        String override = database.dialect() == SqlDialect.POSTGRESQL ? " OVERRIDING SYSTEM VALUE" : "";
        return "INSERT INTO " + table + " (" + columns + ")" + override + " VALUES (" + values + ")";
    }

    /** The state of one restore: counts, and the images merged into an earlier row. */
    private final class Loader
    {
        private final String insertImage = insert("image", "id, sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen", 10);
        private final String insertInference = insert("inference",
                "id, image_id, created_at, confidence_threshold, nms_iou_threshold, model_name, model_version, duration_ms, user_name", 9);
        private final String insertBox = insert("predicted_box", "id, inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max", 9);

        // Only images that are merged: rare, so this stays small.
        private final Map<Long, Long> mergedImageIds = new HashMap<>();
        private int files;
        private long bytes;
        private long images;
        private long inferences;
        private long boxes;
        private long imagesMerged;
        private long maxBoxId;

        <T> void load(ManifestFile file, Function<GenericRecord, T> decode, Consumer<List<T>> insert)
        {
            byte[] parquet = verifier.read(file);
            List<T> batch = new ArrayList<>(BATCH_SIZE);
            try {
                ParquetFiles.forEachRecord(parquet, record -> {
                    batch.add(decode.apply(record));
                    if (batch.size() == BATCH_SIZE) {
                        insert.accept(batch);
                        batch.clear();
                    }
                });
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + file.key(), e);
            }
            if (!batch.isEmpty()) {
                insert.accept(batch);
            }
            files++;
            bytes += file.sizeBytes();
        }

        void insertImages(List<ImageRow> rows)
        {
            // The same image (by SHA-256) under two ids: it was purged with its inferences and uploaded again later. The
            // schema allows one row per image, so the earlier row stays and the later one's inferences point to it.
            Map<String, Long> known = new HashMap<>();
            jdbc.sql("SELECT id, sha256 FROM image WHERE sha256 IN (:sha256s)")
                    .param("sha256s", rows.stream().map(ImageRow::sha256).toList())
                    .query((resultSet, row) -> Map.entry(resultSet.getString("sha256"), resultSet.getLong("id")))
                    .list()
                    .forEach(entry -> known.put(entry.getKey(), entry.getValue()));
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (ImageRow row : rows) {
                Long earlier = known.putIfAbsent(row.sha256(), row.id());
                if (earlier != null) {
                    mergedImageIds.put(row.id(), earlier);
                    imagesMerged++;
                    continue;
                }
                inserts.add(new Object[] {row.id(), row.sha256(), row.bucket(), row.objectKey(), row.originalFileName(), row.mediaType(),
                        row.width(), row.height(), row.sizeBytes(), database.dialect().timestamp(row.firstSeen())});
            }
            jdbcTemplate.batchUpdate(insertImage, inserts);
            images += inserts.size();
        }

        void insertInferences(List<InferenceRow> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (InferenceRow row : rows) {
                long imageId = mergedImageIds.getOrDefault(row.imageId(), row.imageId());
                inserts.add(new Object[] {row.id(), imageId, database.dialect().timestamp(row.createdAt()), row.confidenceThreshold(), row.nmsIouThreshold(),
                        row.modelName(), row.modelVersion(), row.durationMs(), row.userName().orElse(null)});
            }
            jdbcTemplate.batchUpdate(insertInference, inserts);
            inferences += inserts.size();
        }

        void insertBoxes(List<BoxRow> rows)
        {
            List<Object[]> inserts = new ArrayList<>(rows.size());
            for (BoxRow row : rows) {
                inserts.add(new Object[] {row.id(), row.inferenceId(), row.classId(), row.className(), row.score(), row.xMin(), row.yMin(), row.xMax(), row.yMax()});
                maxBoxId = Math.max(maxBoxId, row.id());
            }
            jdbcTemplate.batchUpdate(insertBox, inserts);
            boxes += inserts.size();
        }
    }
}
