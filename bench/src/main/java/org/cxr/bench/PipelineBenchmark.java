package org.cxr.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.cxr.backup.Backup;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.BackupResult;
import org.cxr.datamart.DataMartExport;
import org.cxr.datamart.DataMartOptions;
import org.cxr.datamart.DataMartResult;
import org.cxr.lake.Lake;
import org.cxr.lake.sql.Database;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseConfig;
import org.cxr.warehouse.WarehouseOptions;
import org.cxr.warehouse.WarehouseRunResult;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Stages 3 to 5 on a generated lake: N images (one inference each, 10 boxes per inference on average) in an embedded
 * PostgreSQL in a fresh folder and their PNGs in the embedded S3 server, then each stage once, in order, as the
 * schedules would run them on a lake that has never been processed: backup (settle 0), warehouse (settle 0) into the
 * embedded warehouse, data mart export into an empty folder. Each stage is timed, with the heap it used (see
 * {@link HeapMeter}), after a {@code System.gc()}. Prints one JSON line for the lake and one per stage, and fails if a
 * stage did not carry every row through.
 *
 * <p>The S3 server and the warehouse run in another JVM ({@link PipelineServers}); PostgreSQL is its own process.
 *
 * <p>STAGES (default all three) picks the stages to run, in their order; the data mart reads what the warehouse wrote,
 * so it needs the warehouse before it.
 *
 * <p>ADD (default 0) more uploads after the stages, and the backup and the warehouse run again: the cost of a
 * scheduled run on a lake already processed, as a fraction of the full run.
 *
 * <pre>java -Xmx2g ... PipelineBenchmark WORK_DIR IMAGES ADDRESS_FILE [STAGES, e.g. backup,warehouse,datamart [ADD]]</pre>
 */
public final class PipelineBenchmark
{
    private static final long SEED = 4242;
    static final String BUCKET = "cxr-images";
    // The puts wait on the S3 server, which shares the two cores: a few more threads than cores keep it busy.
    private static final int PUT_THREADS = 8;
    private static final Set<String> STAGES = Set.of("backup", "warehouse", "datamart");

    private final Path work;
    private final int images;
    private final int add;
    private final Set<String> stages;
    private final int warmBackups;
    private final HeapMeter heap;

    private PipelineBenchmark(Path work, int images, int add, Set<String> stages, int warmBackups, HeapMeter heap)
    {
        this.add = add;
        this.work = requireNonNull(work, "work");
        this.images = images;
        this.stages = Set.copyOf(requireNonNull(stages, "stages"));
        this.warmBackups = warmBackups;
        this.heap = requireNonNull(heap, "heap");
    }

    public static void main(String[] args)
            throws Exception
    {
        if (args.length < 3 || args.length > 6) {
            System.err.println("usage: PipelineBenchmark WORK_DIR IMAGES ADDRESS_FILE [STAGES [ADD [WARM_BACKUPS]]]");
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        int images = Integer.parseInt(args[1].replace("_", ""));
        Properties servers = addresses(Path.of(args[2]));
        Set<String> stages = args.length >= 4 ? stages(args[3]) : STAGES;
        int add = args.length >= 5 ? Integer.parseInt(args[4].replace("_", "")) : 0;
        int warmBackups = args.length == 6 ? Integer.parseInt(args[5]) : 0;
        ObjectStoreConfig s3Config = ObjectStoreConfig.local(BUCKET, URI.create(servers.getProperty(PipelineServers.S3_ENDPOINT)),
                EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        WarehouseConfig warehouseConfig = WarehouseConfig.of(servers.getProperty(PipelineServers.WAREHOUSE_URI));

        try (HeapMeter heap = new HeapMeter();
                EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"));
                Database database = Database.connect(postgres.databaseConfig());
                ObjectStore store = ObjectStore.create(s3Config);
                S3Client dataMartS3 = ObjectStore.createClient(s3Config);
                MongoClient mongo = WarehouseClients.create(warehouseConfig)) {
            database.migrate();
            store.createBucketIfAbsent();
            MongoDatabase warehouse = WarehouseClients.database(mongo, warehouseConfig);
            new PipelineBenchmark(work, images, add, stages, warmBackups, heap).run(database, store, warehouse, dataMartS3);
        }
    }

    private void run(Database database, ObjectStore store, MongoDatabase warehouse, S3Client dataMartS3)
            throws Exception
    {
        System.out.printf(Locale.ROOT, "{\"images\": %d, \"seed\": %d, \"xmxMb\": %.0f, \"java\": \"%s\"}%n",
                images, SEED, HeapMeter.maxHeapMb(), System.getProperty("java.runtime.version"));
        SyntheticLake synthetic = new SyntheticLake(images, SEED, Instant.now().truncatedTo(ChronoUnit.DAYS));
        SyntheticLake.Written lake = generate(synthetic, database, store);
        Map<String, Double> full = new LinkedHashMap<>();
        if (stages.contains("backup")) {
            full.put("backup", backup(database, store, lake));
            warmBackups(database, store, lake);
        }
        if (stages.contains("warehouse")) {
            full.put("warehouse", warehouse(database, warehouse, lake));
        }
        if (stages.contains("datamart")) {
            dataMart(warehouse, dataMartS3, lake);
        }
        if (add > 0 && !full.isEmpty()) {
            incremental(synthetic, database, store, warehouse, full);
        }
    }

    /**
     * What a scheduled run costs once the lake has been processed: {@code ADD} more uploads through the lake's ingest
     * path, then each stage again in this (warm) JVM, as the application runs them, from the watermarks the full runs
     * left; its time as a fraction of the full run's.
     */
    private void incremental(SyntheticLake synthetic, Database database, ObjectStore store, MongoDatabase warehouse, Map<String, Double> full)
    {
        SyntheticLake.Added added = synthetic.add(new Lake(database, store, Clock.systemUTC()), add);
        System.out.printf(Locale.ROOT, "{\"stage\": \"add (not a pipeline stage)\", \"inferences\": %d, \"newImages\": %d, \"boxes\": %d, \"seconds\": %.2f}%n",
                added.inferences(), added.newImages(), added.boxes(), added.seconds());
        if (full.containsKey("backup")) {
            BackupOptions config = BackupOptions.defaults().withSettleDelay(Duration.ZERO).withWorkDirectory(work.resolve("backup-work"));
            Measured<BackupResult> run = measure(() -> new Backup(database, store, config, Clock.systemUTC()).run());
            BackupResult result = run.result();
            check("incremental backup", result.rows().inferences() == added.inferences() && result.rows().images() == added.newImages()
                    && result.rows().predictedBoxes() == added.boxes());
            printIncremental("backup", run, full.get("backup"), "{\"files\": %d, \"inferences\": %d, \"images\": %d, \"boxes\": %d}".formatted(
                    result.files(), result.rows().inferences(), result.rows().images(), result.rows().predictedBoxes()));
        }
        if (full.containsKey("warehouse")) {
            WarehouseOptions options = WarehouseOptions.defaults().withSettleDelay(Duration.ZERO);
            Measured<WarehouseRunResult> run = measure(() -> new Warehouse(database, warehouse, options, Clock.systemUTC()).run(progress -> {}));
            WarehouseRunResult result = run.result();
            check("incremental warehouse", result.inferencesRead() == added.inferences() && result.boxesRead() == added.boxes());
            printIncremental("warehouse", run, full.get("warehouse"), "{\"documentsInserted\": %d, \"documentsUpdated\": %d, \"inferencesAppended\": %d}".formatted(
                    result.documentsInserted(), result.documentsUpdated(), result.inferencesAppended()));
        }
    }

    private static void printIncremental(String stage, Measured<?> run, double fullSeconds, String resultJson)
    {
        System.out.printf(Locale.ROOT, "{\"stage\": \"%s after new uploads\", \"seconds\": %.3f, \"cpuSeconds\": %.2f, \"fullRunSeconds\": %.2f, \"fractionOfFullRun\": %.4f, "
                        + "\"peakHeapMb\": %.0f, \"result\": %s}%n",
                stage, run.seconds(), run.cpuSeconds(), fullSeconds, run.seconds() / fullSeconds, run.peakHeapMb(), resultJson);
    }

    /**
     * The full backup again, {@code WARM} times, in the JVM that has just run it: each forgets the stage's watermark
     * and writes the whole lake under a prefix of its own. The first run pays for the JIT compiling the writers (on two
     * cores, a large share of it); these runs show what the same work costs once that is done.
     */
    private void warmBackups(Database database, ObjectStore store, SyntheticLake.Written lake)
            throws IOException
    {
        for (int run = 1; run <= warmBackups; run++) {
            new Watermarks(database, Clock.systemUTC()).forget(Backup.STAGE);
            backup(database, store, lake, "backup again, warm JVM, run " + run, BackupOptions.defaults().withPrefix("backups-warm-" + run + "/"));
        }
    }

    /** Not a stage: the lake the stages read, timed only to say how long a run of the benchmark takes. */
    private SyntheticLake.Written generate(SyntheticLake synthetic, Database database, ObjectStore store)
            throws Exception
    {
        // The lake ends today at midnight (UTC): every upload is in the past and the 30 days make 30 whole daily
        // partitions. Only the data mart reads the objects: without it, the images are hashed for their rows but not
        // stored.
        SyntheticLake.Written lake = synthetic.write(database, store, PUT_THREADS, stages.contains("datamart"));
        System.out.printf(Locale.ROOT,
                "{\"stage\": \"generate (not a pipeline stage)\", \"images\": %d, \"inferences\": %d, \"boxes\": %d, \"inferencesWithoutBoxes\": %d, \"objectBytes\": %d, "
                        + "\"s3PutSeconds\": %.2f, \"s3PutThreads\": %d, \"copySeconds\": %.2f, \"vacuumAnalyzeSeconds\": %.2f}%n",
                lake.images(), lake.inferences(), lake.boxes(), lake.inferencesWithoutBoxes(), lake.objectBytes(), lake.s3Seconds(), PUT_THREADS, lake.copySeconds(), lake.vacuumSeconds());
        return lake;
    }

    private double backup(Database database, ObjectStore store, SyntheticLake.Written lake)
            throws IOException
    {
        return backup(database, store, lake, "backup", BackupOptions.defaults());
    }

    /** A full backup of the lake, from an empty watermark. */
    private double backup(Database database, ObjectStore store, SyntheticLake.Written lake, String stage, BackupOptions options)
            throws IOException
    {
        Path parquetWork = Files.createDirectories(work.resolve("backup-work"));
        BackupOptions config = options.withSettleDelay(Duration.ZERO).withWorkDirectory(parquetWork);
        Measured<BackupResult> run = measure(() -> new Backup(database, store, config, Clock.systemUTC()).run());
        BackupResult result = run.result();
        print(stage, result.rows().images(), result.rows().inferences(), result.rows().predictedBoxes(), run,
                "{\"files\": %d, \"bytes\": %d, \"detectionRows\": %d}".formatted(result.files(), result.bytes(), result.rows().detections()));
        check(stage, result.rows().images() == lake.images() && result.rows().inferences() == lake.inferences()
                && result.rows().predictedBoxes() == lake.boxes()
                // The join has a row per box, and one (without a box) per inference that found nothing.
                && result.rows().detections() == lake.boxes() + lake.inferencesWithoutBoxes());
        return run.seconds();
    }

    private double warehouse(Database database, MongoDatabase warehouse, SyntheticLake.Written lake)
    {
        WarehouseOptions options = WarehouseOptions.defaults().withSettleDelay(Duration.ZERO);
        PageTimes pages = new PageTimes();
        Measured<WarehouseRunResult> run = measure(() -> {
            pages.start();
            return new Warehouse(database, warehouse, options, Clock.systemUTC()).run(progress -> pages.pageDone());
        });
        WarehouseRunResult result = run.result();
        print("warehouse", result.documentsInserted(), result.inferencesRead(), result.boxesRead(), run,
                ("{\"pages\": %d, \"pageSize\": %d, \"firstPageMs\": %.0f, \"lastPageMs\": %.0f, \"documentsInserted\": %d, \"documentsUpdated\": %d, "
                        + "\"inferencesAppended\": %d}").formatted(result.pages(), options.pageSize(), pages.firstMs(), pages.lastMs(),
                        result.documentsInserted(), result.documentsUpdated(), result.inferencesAppended()));
        check("warehouse", result.documentsInserted() == lake.images() && result.inferencesRead() == lake.inferences()
                && result.boxesRead() == lake.boxes());
        return run.seconds();
    }

    private void dataMart(MongoDatabase warehouse, S3Client s3, SyntheticLake.Written lake)
    {
        DataMartOptions options = DataMartOptions.defaults();
        DataMartExport export = new DataMartExport(warehouse.getCollection(DataMartExport.DEFAULT_COLLECTION), s3, options);
        Measured<DataMartResult> run = measure(() -> export.run(work.resolve("datamart")));
        DataMartResult result = run.result();
        // The generated lake has no reviews: every image is unreviewed, its one inference's boxes the predictions of
        // annotations/unreviewed.json (the reviewed splits, train and val, are empty).
        print("datamart", result.unreviewed().images(), result.unreviewed().images(), result.unreviewed().annotations(), run,
                ("{\"unreviewedImages\": %d, \"unreviewedPredictions\": %d, \"trainImages\": %d, \"valImages\": %d, \"imagesDownloaded\": %d, "
                        + "\"bytesDownloaded\": %d, \"skipped\": %d, \"parallelDownloads\": %d}").formatted(
                        result.unreviewed().images(), result.unreviewed().annotations(), result.train().images(), result.validation().images(),
                        result.imagesDownloaded(), result.bytesDownloaded(), result.skipped().total(), options.parallelDownloads()));
        check("datamart", result.unreviewed().images() == lake.images() && result.unreviewed().annotations() == lake.boxes()
                && result.imagesDownloaded() == lake.images());
    }

    /** How long the warehouse's first and last pages took: whether a page costs more as the warehouse fills. */
    private static final class PageTimes
    {
        private long last;
        private double firstMs = -1;
        private double lastMs = -1;

        void start()
        {
            last = System.nanoTime();
        }

        void pageDone()
        {
            long now = System.nanoTime();
            lastMs = (now - last) / 1e6;
            if (firstMs < 0) {
                firstMs = lastMs;
            }
            last = now;
        }

        double firstMs()
        {
            return firstMs;
        }

        double lastMs()
        {
            return lastMs;
        }
    }

    /**
     * Of the CPU seconds, the JIT's and the collector's: on two cores they compete with the stage's own threads.
     * {@code stealSeconds}: the time the virtual machine's host gave its cores to others meanwhile, which makes runs on
     * the same machine differ.
     */
    private record Measured<R>(R result, double seconds, double cpuSeconds, double jitCpuSeconds, double gcCpuSeconds, double stealSeconds, double peakHeapMb,
            double maxHeapAfterGcMb) {}

    /** Starts each stage from the same collected heap, so that no stage pays for the garbage of the one before. */
    private <R> Measured<R> measure(Supplier<R> stage)
    {
        System.gc();
        heap.reset();
        long start = System.nanoTime();
        long cpuStart = ProcCpu.processNanos();
        ProcCpu threadsStart = ProcCpu.now();
        double stealStart = ProcCpu.machineStealSeconds();
        R result = stage.get();
        double seconds = (System.nanoTime() - start) / 1e9;
        ProcCpu threadsEnd = ProcCpu.now();
        return new Measured<>(result, seconds, (ProcCpu.processNanos() - cpuStart) / 1e9, threadsEnd.jitSecondsSince(threadsStart), threadsEnd.gcSecondsSince(threadsStart),
                ProcCpu.machineStealSeconds() - stealStart, heap.peakMb(), heap.maxAfterGcMb());
    }

    private static void print(String stage, long images, long inferences, long boxes, Measured<?> run, String resultJson)
    {
        long rows = images + inferences + boxes;
        System.out.printf(Locale.ROOT,
                "{\"stage\": \"%s\", \"images\": %d, \"inferences\": %d, \"boxes\": %d, \"rows\": %d, \"seconds\": %.2f, \"cpuSeconds\": %.2f, \"jitCpuSeconds\": %.2f, \"gcCpuSeconds\": %.2f, \"stealSeconds\": %.2f, \"rowsPerSecond\": %.0f, "
                        + "\"imagesPerSecond\": %.0f, \"peakHeapMb\": %.0f, \"maxHeapAfterGcMb\": %.0f, \"result\": %s}%n",
                stage, images, inferences, boxes, rows, run.seconds(), run.cpuSeconds(), run.jitCpuSeconds(), run.gcCpuSeconds(), run.stealSeconds(), rows / run.seconds(), images / run.seconds(),
                run.peakHeapMb(), run.maxHeapAfterGcMb(), resultJson);
    }

    /** A stage that skipped rows would make a fast number that means nothing. */
    private static void check(String stage, boolean everyRow)
    {
        if (!everyRow) {
            throw new IllegalStateException(stage + " did not carry every row of the lake through; see its line above");
        }
    }

    private static Set<String> stages(String list)
    {
        Set<String> stages = Set.of(list.split(","));
        if (!STAGES.containsAll(stages)) {
            throw new IllegalArgumentException("STAGES must name some of " + STAGES + ", got " + list);
        }
        if (stages.contains("datamart") && !stages.contains("warehouse")) {
            throw new IllegalArgumentException("the data mart exports what the warehouse stage wrote: run it with the warehouse");
        }
        return stages;
    }

    static Properties addresses(Path file)
            throws IOException
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        for (String key : new String[] {PipelineServers.S3_ENDPOINT, PipelineServers.WAREHOUSE_URI}) {
            if (properties.getProperty(key) == null) {
                throw new IllegalArgumentException(file + " has no " + key);
            }
        }
        return properties;
    }
}
