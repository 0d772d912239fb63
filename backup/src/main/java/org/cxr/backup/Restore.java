package org.cxr.backup;

import org.apache.avro.generic.GenericRecord;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.LakeRestore;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    private final ObjectStore store;
    private final BackupLayout layout;
    private final BackupCatalog catalog;
    private final BackupVerifier verifier;
    private final LakeRestore lake;
    private final Watermarks watermarks;

    public Restore(Database database, ObjectStore store, BackupOptions options, Clock clock)
    {
        requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.layout = new BackupLayout(requireNonNull(options, "options").prefix());
        this.catalog = new BackupCatalog(store, options);
        this.verifier = new BackupVerifier(store);
        this.lake = new LakeRestore(database, requireNonNull(clock, "clock"));
        this.watermarks = new Watermarks(database, clock);
    }

    /** Restores every verified backup; refuses, changing nothing, unless the lake's tables are empty. */
    public RestoreResult run()
    {
        checkEmpty();
        List<Manifest> manifests = catalog.manifests();
        Watermark restored = manifests.stream()
                .map(Manifest::watermarkTo)
                .reduce(Watermark.START, Watermark::max);
        lake.reserveIds(restored);

        RestoreResult result;
        try {
            result = lake.load(rows -> {
                checkEmpty();
                Loader loader = new Loader(rows);
                Map<String, ModelVersion> models = new LinkedHashMap<>();
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.MODEL_VERSIONS).forEach(file -> loader.load(file, AvroRows::modelVersion,
                            batch -> batch.forEach(model -> models.putIfAbsent(model.key(), model))));
                }
                rows.models(List.copyOf(models.values()));
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.IMAGES).forEach(file -> loader.load(file, AvroRows::image, loader::insertImages));
                }
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.INFERENCES).forEach(file -> loader.load(file, AvroRows::inference, loader::insertInferences));
                }
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.PREDICTED_BOXES).forEach(file -> loader.load(file, AvroRows::box, loader::insertBoxes));
                }
                // Reviews after every inference and box: a run may hold a review of an inference an earlier run backed up.
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.REVIEWS).forEach(file -> loader.load(file, AvroRows::review, loader::insertReviews));
                }
                for (Manifest manifest : manifests) {
                    manifest.files(Dataset.REVIEW_BOXES).forEach(file -> loader.load(file, AvroRows::reviewBox, loader::insertReviewBoxes));
                }
                watermarks.advance(Backup.STAGE, restored);
                return new RestoreResult(manifests.size(), loader.files, loader.bytes, loader.images, loader.inferences, loader.boxes, loader.reviews,
                        loader.reviewBoxes, loader.imagesMerged, models.size(), restored);
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
        log.info("Restored {} backup runs: {} images ({} merged), {} inferences, {} boxes, {} reviews, {} review boxes, {} models; backup watermark {}",
                result.manifests(), result.images(), result.imagesMerged(), result.inferences(), result.predictedBoxes(), result.reviews(), result.reviewBoxes(),
                result.modelVersions(), result.watermark());
        return result;
    }

    private void checkEmpty()
    {
        List<String> notEmpty = lake.tablesWithRows();
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

    /** The state of one restore: counts, and the images merged into an earlier row. */
    private final class Loader
    {
        private final LakeRestore.Loader rows;
        // Only images that are merged: rare, so this stays small.
        private final Map<Long, Long> mergedImageIds = new HashMap<>();
        private int files;
        private long bytes;
        private long images;
        private long inferences;
        private long boxes;
        private long reviews;
        private long reviewBoxes;
        private long imagesMerged;

        Loader(LakeRestore.Loader rows)
        {
            this.rows = rows;
        }

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

        void insertImages(List<ImageRecord> batch)
        {
            // The same image (by SHA-256) under two ids: it was purged with its inferences and uploaded again later. The
            // schema allows one row per image, so the earlier row stays and the later one's inferences point to it.
            Map<String, Long> known = rows.imageIds(batch.stream().map(ImageRecord::sha256).toList());
            List<ImageRecord> inserts = new ArrayList<>(batch.size());
            for (ImageRecord row : batch) {
                Long earlier = known.putIfAbsent(row.sha256(), row.id());
                if (earlier != null) {
                    mergedImageIds.put(row.id(), earlier);
                    imagesMerged++;
                    continue;
                }
                inserts.add(row);
            }
            rows.images(inserts);
            images += inserts.size();
        }

        void insertInferences(List<InferenceRecord> batch)
        {
            rows.inferences(batch.stream().map(row -> row.withImageId(mergedImageIds.getOrDefault(row.imageId(), row.imageId()))).toList());
            inferences += batch.size();
        }

        void insertBoxes(List<BoxRecord> batch)
        {
            rows.boxes(batch);
            boxes += batch.size();
        }

        void insertReviews(List<ReviewRecord> batch)
        {
            rows.reviews(batch);
            reviews += batch.size();
        }

        void insertReviewBoxes(List<ReviewBoxRecord> batch)
        {
            rows.reviewBoxes(batch);
            reviewBoxes += batch.size();
        }
    }
}
