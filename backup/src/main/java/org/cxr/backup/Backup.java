package org.cxr.backup;

import org.cxr.backup.RowShapes.Detection;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.LakeRows;
import org.cxr.lake.LakeRows.ReviewOfImage;
import org.cxr.lake.LakeRows.SettledReviews;
import org.cxr.lake.LakeRows.Table;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.ReviewRecord;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Stage 3: backs up what is new in the relational lake to S3 as Parquet, one dataset per table plus the {@code
 * detections} join, partitioned by ingest date (the UTC date of {@code image.first_seen}, {@code
 * inference.created_at} and {@code review.reviewed_at}), and with each run the whole (small) table of registered
 * models.
 *
 * <p>A run takes the rows after the stage's watermark, writes and uploads the files, reads every file back and checks
 * it, stores the manifest, and only then moves the watermark. Every step can fail and the run be started again: the
 * range of a run is stored before its first file and its keys follow from the watermark it starts from, so a retry
 * backs up the same rows into the same keys, overwriting whatever a crashed attempt left; a manifest exists only for
 * files that were checked, and the watermark moves only after it. Nothing is backed up twice or skipped.
 *
 * <p>Runs must not overlap (the application holds a lease per stage).
 */
public final class Backup
{
    public static final String STAGE = "backup";

    private static final Logger log = LoggerFactory.getLogger(Backup.class);
    private static final AtomicInteger WRITER_NUMBER = new AtomicInteger();
    private static final ThreadFactory WRITER_THREADS = task -> {
        Thread thread = new Thread(task, "backup-writer-" + WRITER_NUMBER.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    };

    private final ObjectStore store;
    private final BackupOptions options;
    private final Clock clock;
    private final Faults faults;
    private final Watermarks watermarks;
    private final LakeRows rows;
    private final BackupLayout layout;
    private final BackupCatalog catalog;
    private final BackupVerifier verifier;
    private final Optional<RunWriter> engine;

    public Backup(Database database, ObjectStore store, BackupOptions options, Clock clock)
    {
        this(database, store, options, clock, Faults.NONE, Optional.empty());
    }

    /**
     * A backup whose files another engine writes (Apache Spark, many machines at once): the run id, the plan, the
     * verification, the manifest and the watermark are this class's, so either engine's runs continue each other's.
     */
    public Backup(Database database, ObjectStore store, BackupOptions options, Clock clock, RunWriter engine)
    {
        this(database, store, options, clock, Faults.NONE, Optional.of(requireNonNull(engine, "engine")));
    }

    Backup(Database database, ObjectStore store, BackupOptions options, Clock clock, Faults faults)
    {
        this(database, store, options, clock, faults, Optional.empty());
    }

    private Backup(Database database, ObjectStore store, BackupOptions options, Clock clock, Faults faults, Optional<RunWriter> engine)
    {
        requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.options = requireNonNull(options, "options");
        this.clock = requireNonNull(clock, "clock");
        this.faults = requireNonNull(faults, "faults");
        this.watermarks = new Watermarks(database, clock);
        this.rows = new LakeRows(database);
        this.layout = new BackupLayout(options.prefix());
        this.catalog = new BackupCatalog(store, options);
        this.verifier = new BackupVerifier(store, options.writers());
        this.engine = engine;
    }

    /**
     * Writes the files of a planned run: every row of the plan's range, in the layout, schema and order this class
     * writes them ({@link PartitionWriter}, {@link AvroRows}), each file uploaded to its key. Returns them in the order
     * of a manifest: images by date, then by date the inferences, their boxes and detections, then by date the reviews
     * and their decisions, then the models; parts in order. It may be called again for the same plan after a failure,
     * and must then write the same files under the same keys.
     */
    @FunctionalInterface
    public interface RunWriter
    {
        List<ManifestFile> write(RunPlan plan);
    }

    /** Backs up what is new; throws if any step fails, in which case the watermark has not moved. */
    public BackupResult run()
    {
        Instant start = clock.instant();
        Watermark from = watermarks.read(STAGE);
        String runId = BackupLayout.runId(from);
        deleteStalePlans(runId);

        Optional<Manifest> stored = catalog.manifest(runId);
        if (stored.isPresent()) {
            List<String> problems = verifier.problems(stored.get());
            if (problems.isEmpty()) {
                log.info("Backup run {}: an earlier attempt stored and verified everything; moving the watermark", runId);
                return commit(stored.get(), true);
            }
            // Its files changed since they were verified: the manifest no longer vouches for them, and the run is done again.
            log.warn("Backup run {}: the stored files no longer match the manifest, backing the range up again: {}", runId, problems);
            store.delete(layout.manifest(runId));
        }

        Map<Table, TableScan> scanned = new EnumMap<>(Table.class);
        RunPlan plan = plan(runId, from, start, stored, scanned);
        if (plan.isEmpty()) {
            log.info("Backup: nothing new after {}", from);
            return BackupResult.nothingNew(from);
        }
        List<ManifestFile> files = engine.isPresent() ? engine.get().write(plan) : write(plan, scanned);
        Manifest manifest = manifest(plan, files);
        faults.beforeVerification(manifest);
        verifier.verify(manifest);
        storeManifest(manifest);
        return commit(manifest, false);
    }

    /** The run's plan: stored by an earlier attempt, or made now, in which case its tables' scans are kept in {@code scanned}. */
    private RunPlan plan(String runId, Watermark from, Instant start, Optional<Manifest> unverified, Map<Table, TableScan> scanned)
    {
        Optional<RunPlan> planned = store.get(layout.plan(runId)).map(json -> Json.read(json, RunPlan.class, "plan " + layout.plan(runId)));
        if (planned.isPresent()) {
            if (!planned.get().from().equals(from)) {
                throw new BackupException("Plan " + layout.plan(runId) + " starts at " + planned.get().from() + ", the watermark is at " + from);
            }
            log.info("Backup run {}: redoing the planned range {} to {} after an earlier attempt failed", runId, from, planned.get().to());
            return planned.get();
        }
        RunPlan plan = unverified
                .map(manifest -> new RunPlan(runId, start, manifest.createdAt(), manifest.watermarkFrom(), manifest.watermarkTo(), options.maxRowsPerFile()))
                .orElseGet(() -> newPlan(runId, from, start, scanned));
        if (!plan.isEmpty()) {
            store.put(layout.plan(runId), Json.write(plan), BackupLayout.JSON_MEDIA_TYPE);
        }
        return plan;
    }

    private RunPlan newPlan(String runId, Watermark from, Instant start, Map<Table, TableScan> scanned)
    {
        // Ids are handed out when a transaction inserts, but it may commit after one with a higher id: only rows old
        // enough that every transaction of their time has committed are taken, and the range ends before the first
        // row that is too young, so that no row can later appear below the new watermark.
        Instant cutoff = start.minus(options.settleDelay());
        TableScan images = scan(Table.IMAGE, from.imageId(), Long.MAX_VALUE, Optional.of(cutoff));
        TableScan inferences = scan(Table.INFERENCE, from.inferenceId(), Long.MAX_VALUE, Optional.of(cutoff));
        scanned.put(Table.IMAGE, images);
        scanned.put(Table.INFERENCE, inferences);
        long lastImage = images.lastId();
        long lastInference = inferences.lastId();
        long lastReview = lastReview(from.reviewId(), lastInference, cutoff);
        return new RunPlan(runId, start, cutoff, from, new Watermark(lastImage, lastInference, lastReview), options.maxRowsPerFile());
    }

    /**
     * Where the run's reviews end: before the first review that is too young, as for the other tables, and also
     * before the first review of an inference beyond the run's range (one whose older neighbour is still too young).
     * Such a review waits for the run that backs up its inference, so that a restore of the runs stored so far never
     * meets a review of an inference it does not hold.
     */
    private long lastReview(long afterId, long lastInference, Instant cutoff)
    {
        long after = afterId;
        while (true) {
            SettledReviews page = rows.settledReviews(after, options.pageSize(), cutoff);
            for (ReviewOfImage row : page.reviews()) {
                if (row.review().inferenceId() > lastInference) {
                    return after;
                }
                after = row.review().id();
            }
            if (page.last()) {
                return after;
            }
        }
    }

    /**
     * Each date of each table is a task of its own, with its own connection and files: they run {@code writers} at a
     * time, and their files are listed in the manifest's order whatever order they finish in. A failed task cancels
     * the others; the run is then done again as a whole.
     */
    private List<ManifestFile> write(RunPlan plan, Map<Table, TableScan> scanned)
    {
        Path workDirectory = options.workDirectory().orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir")));
        List<Callable<List<ManifestFile>>> tasks = new ArrayList<>();
        for (DayRange day : days(scanned, Table.IMAGE, plan.from().imageId(), plan.to().imageId())) {
            tasks.add(() -> writeImages(day, plan, workDirectory));
        }
        for (DayRange day : days(scanned, Table.INFERENCE, plan.from().inferenceId(), plan.to().inferenceId())) {
            tasks.add(() -> writeInferences(day, plan, workDirectory));
        }
        for (DayRange day : days(scanned, Table.REVIEW, plan.from().reviewId(), plan.to().reviewId())) {
            tasks.add(() -> writeReviews(day, plan, workDirectory));
        }
        tasks.add(() -> writeModels(plan, workDirectory));
        return inOrder(tasks);
    }

    private List<ManifestFile> writeImages(DayRange day, RunPlan plan, Path workDirectory)
    {
        try (PartitionWriter<ImageRecord> writer = partition(Dataset.IMAGES, RowShapes.IMAGE, Optional.of(day.date()), plan, workDirectory)) {
            forEachImage(day, writer::write);
            return checkRows(day, writer.finish());
        }
    }

    private List<ManifestFile> writeInferences(DayRange day, RunPlan plan, Path workDirectory)
    {
        Optional<LocalDate> date = Optional.of(day.date());
        try (PartitionWriter<InferenceRecord> inferenceWriter = partition(Dataset.INFERENCES, RowShapes.INFERENCE, date, plan, workDirectory);
                PartitionWriter<BoxRecord> boxWriter = partition(Dataset.PREDICTED_BOXES, RowShapes.BOX, date, plan, workDirectory);
                PartitionWriter<Detection> detectionWriter = partition(Dataset.DETECTIONS, RowShapes.DETECTION, date, plan, workDirectory)) {
            forEachInference(day, stored -> {
                inferenceWriter.write(stored.inference());
                stored.boxes().forEach(boxWriter::write);
                Detection.of(stored).forEach(detectionWriter::write);
            });
            List<ManifestFile> files = new ArrayList<>(checkRows(day, inferenceWriter.finish()));
            files.addAll(boxWriter.finish());
            files.addAll(detectionWriter.finish());
            return files;
        }
    }

    private List<ManifestFile> writeReviews(DayRange day, RunPlan plan, Path workDirectory)
    {
        Optional<LocalDate> date = Optional.of(day.date());
        try (PartitionWriter<ReviewRecord> reviewWriter = partition(Dataset.REVIEWS, RowShapes.REVIEW, date, plan, workDirectory);
                PartitionWriter<ReviewBoxRecord> boxWriter = partition(Dataset.REVIEW_BOXES, RowShapes.REVIEW_BOX, date, plan, workDirectory)) {
            forEachReview(day, stored -> {
                reviewWriter.write(stored.review());
                stored.boxes().forEach(boxWriter::write);
            });
            List<ManifestFile> files = new ArrayList<>(checkRows(day, reviewWriter.finish()));
            files.addAll(boxWriter.finish());
            return files;
        }
    }

    private List<ManifestFile> writeModels(RunPlan plan, Path workDirectory)
    {
        try (PartitionWriter<ModelVersion> writer = partition(Dataset.MODEL_VERSIONS, RowShapes.MODEL_VERSION, Optional.empty(), plan, workDirectory)) {
            rows.models().forEach(writer::write);
            return writer.finish();
        }
    }

    /** Runs the tasks {@code writers} at a time; their results in the tasks' order, or the first failure. */
    private List<ManifestFile> inOrder(List<Callable<List<ManifestFile>>> tasks)
    {
        List<ManifestFile> files = new ArrayList<>();
        InOrder.run(tasks, options.writers(), WRITER_THREADS).forEach(files::addAll);
        return files;
    }

    private Manifest manifest(RunPlan plan, List<ManifestFile> files)
    {
        DatasetCounts counts = DatasetCounts.NONE;
        for (ManifestFile file : files) {
            counts = counts.plus(file.dataset(), file.rows());
        }
        return new Manifest(Manifest.FORMAT_VERSION, plan.runId(), clock.instant(), plan.from(), plan.to(), counts, files);
    }

    private <T> PartitionWriter<T> partition(Dataset dataset, RowShape<T> shape, Optional<LocalDate> date, RunPlan plan, Path workDirectory)
    {
        return new PartitionWriter<>(dataset, shape, date, plan.runId(), plan.maxRowsPerFile(), layout, store, workDirectory, faults);
    }

    /**
     * The dates of a table's rows in (afterId, lastId]. The scan that planned the range found them already: every row up
     * to its end was old enough to have committed, so a second scan would find the same rows.
     */
    private List<DayRange> days(Map<Table, TableScan> scanned, Table table, long afterId, long lastId)
    {
        TableScan planned = scanned.get(table);
        if (planned != null && planned.lastId() == lastId) {
            return planned.days();
        }
        return scan(table, afterId, lastId, Optional.empty()).days();
    }

    private TableScan scan(Table table, long afterId, long lastId, Optional<Instant> stopAt)
    {
        return TableScan.of(rows, table, afterId, lastId, stopAt, options.pageSize());
    }

    private void forEachImage(DayRange day, Consumer<ImageRecord> consumer)
    {
        long after = day.firstId() - 1;
        while (true) {
            List<ImageRecord> page = rows.images(after, day.lastId(), day.start(), day.end(), options.pageSize());
            page.forEach(consumer);
            if (page.size() < options.pageSize()) {
                return;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** Each inference of the date in id order, with its image and its boxes (in id order). */
    private void forEachInference(DayRange day, Consumer<StoredInference> consumer)
    {
        long after = day.firstId() - 1;
        while (true) {
            List<StoredInference> page = rows.inferences(after, day.lastId(), day.start(), day.end(), options.pageSize());
            page.forEach(consumer);
            if (page.size() < options.pageSize()) {
                return;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** Each review of the date in id order, with its decisions (in id order). */
    private void forEachReview(DayRange day, Consumer<StoredReview> consumer)
    {
        long after = day.firstId() - 1;
        while (true) {
            List<ReviewOfImage> page = rows.reviews(after, day.lastId(), day.start(), day.end(), options.pageSize());
            page.forEach(row -> consumer.accept(row.review()));
            if (page.size() < options.pageSize()) {
                return;
            }
            after = page.get(page.size() - 1).review().id();
        }
    }

    /** The rows of a range never change (the lake only inserts, and purges only what is behind the watermark). */
    private static List<ManifestFile> checkRows(DayRange day, List<ManifestFile> files)
    {
        long written = files.stream().mapToLong(ManifestFile::rows).sum();
        if (written != day.rows()) {
            throw new BackupException("The rows of " + day.date() + " with ids " + day.firstId() + " to " + day.lastId() + " changed during the backup: "
                    + day.rows() + " found, " + written + " written");
        }
        return files;
    }

    private void storeManifest(Manifest manifest)
    {
        String key = layout.manifest(manifest.runId());
        byte[] json = Json.write(manifest);
        store.put(key, json, BackupLayout.JSON_MEDIA_TYPE);
        if (!store.get(key).map(storedJson -> Arrays.equals(storedJson, json)).orElse(false)) {
            throw new BackupException("Manifest " + key + " does not read back as written");
        }
    }

    private BackupResult commit(Manifest manifest, boolean resumed)
    {
        faults.beforeWatermark(manifest);
        watermarks.advance(STAGE, manifest.watermarkTo());
        deletePlan(manifest.runId());
        BackupResult result = BackupResult.of(manifest, layout.manifest(manifest.runId()), resumed);
        log.info("Backup run {}: {} to {}, {} files, {} bytes, rows {}", manifest.runId(), result.from(), result.to(), result.files(), result.bytes(), result.rows());
        return result;
    }

    private void deletePlan(String runId)
    {
        try {
            store.delete(layout.plan(runId));
        }
        catch (RuntimeException e) {
            // The run is committed; the next run deletes the plan as stale.
            log.warn("Backup run {}: cannot delete its plan", runId, e);
        }
    }

    /** A plan of another run id belongs to a run that has been committed since (or to a database restored since). */
    private void deleteStalePlans(String runId)
    {
        String current = layout.plan(runId);
        for (String key : catalog.keys(layout.planPrefix())) {
            if (!key.equals(current)) {
                store.delete(key);
            }
        }
    }
}
