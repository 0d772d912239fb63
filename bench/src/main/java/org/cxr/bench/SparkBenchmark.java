package org.cxr.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import org.cxr.backup.Backup;
import org.cxr.backup.BackupCatalog;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.Manifest;
import org.cxr.backup.ManifestFile;
import org.cxr.datamart.DataMartExport;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectListing;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.lake.store.StoredObject;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The single-machine stages against the same stages as Spark jobs (issue 14): on one generated lake (N images, one
 * inference each, about 10 boxes per inference; the images are hashed for their rows but not stored, as neither stage
 * reads them), each stage runs once per engine, each run a process of its own from an empty watermark: our stage in a
 * JVM ({@link StageProcess}), then {@code org.cxr.spark.SparkStages} in a plain {@code java} with a local master per
 * {@code masters} entry ({@code local[1]}, {@code local[2]}). Each is measured from outside ({@link TimedProcess}: wall,
 * peak RSS, CPU; the servers' and PostgreSQL's CPU meanwhile) and, inside, by the stage's own time (the single-machine
 * stage's clock; for Spark the run history's start and end, after the session has started).
 *
 * <p>Before each run the lake is made unprocessed for the stage again: its watermark is forgotten ({@link
 * Watermarks#forget}), and the backup's objects under its prefix are deleted (a backup that found its run's manifest
 * would only move the watermark), or the warehouse's database dropped. After each run, the counts it reports are
 * compared with the generated lake, and the backup's files in the bucket with those it reports, so that a run that
 * skipped rows cannot pass for a fast one. Prints one JSON line for the lake, one per run, and a Markdown table.
 *
 * <pre>java -Dbench.jar=JAR -Dbench.sparkClasspath=CP -Dbench.sparkFlags=FLAGS [-Dbench.childXmx=2g] [-Dbench.serversPid=PID]
 *     [-Dbench.logback=FILE] ... SparkBenchmark WORK_DIR IMAGES ADDRESS_FILE STAGES MASTERS</pre>
 */
public final class SparkBenchmark
{
    private static final long SEED = 4242;
    private static final int HASH_THREADS = 8;
    private static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    private static final String SPARK_MAIN = "org.cxr.spark.SparkStages";
    private static final List<String> STAGES = List.of("backup", "warehouse");
    private static final Pattern SPARK_RESULT = Pattern.compile("(?m)^(\\w+) run ([0-9]+): SUCCEEDED (\\{.*})$");
    private static final String SINGLE = "single JVM";

    private final Path work;
    private final Path addressFile;
    private final Properties servers;
    private final EmbeddedPostgres postgres;
    private final Database database;
    private final ObjectStore store;
    private final MongoDatabase warehouse;
    private final Path jar;
    private final String sparkClasspath;
    private final List<String> sparkFlags;
    private final String childXmx;
    private final Optional<String> logback;
    private final TimedProcess processes;
    private final List<Run> runs = new ArrayList<>();
    /** The single-machine backup's files, key to SHA-256, to compare the Spark runs' files with. */
    private Map<String, String> singleBackupFiles = Map.of();

    private SparkBenchmark(Path work, Path addressFile, EmbeddedPostgres postgres, Database database, ObjectStore store, MongoDatabase warehouse)
            throws IOException
    {
        this.work = requireNonNull(work, "work");
        this.addressFile = requireNonNull(addressFile, "addressFile");
        this.servers = PipelineBenchmark.addresses(addressFile);
        this.postgres = requireNonNull(postgres, "postgres");
        this.database = requireNonNull(database, "database");
        this.store = requireNonNull(store, "store");
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.jar = Path.of(required("bench.jar")).toAbsolutePath();
        this.sparkClasspath = required("bench.sparkClasspath");
        this.sparkFlags = List.of(required("bench.sparkFlags").strip().split("\\s+"));
        this.childXmx = System.getProperty("bench.childXmx", "2g");
        this.logback = Optional.ofNullable(System.getProperty("bench.logback")).filter(file -> !file.isBlank()).map(file -> Path.of(file).toAbsolutePath().toString());
        String pid = System.getProperty("bench.serversPid", "");
        this.processes = new TimedProcess(work, pid.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(pid)), postgres);
    }

    public static void main(String[] args)
            throws Exception
    {
        if (args.length != 5) {
            System.err.println("usage: SparkBenchmark WORK_DIR IMAGES ADDRESS_FILE STAGES MASTERS  (STAGES: backup,warehouse; MASTERS: local[1],local[2])");
            System.exit(2);
        }
        Path work = Files.createDirectories(Path.of(args[0]));
        int images = Integer.parseInt(args[1].replace("_", ""));
        Path addressFile = Path.of(args[2]);
        List<String> stages = List.of(args[3].split(","));
        if (stages.isEmpty() || !STAGES.containsAll(stages)) {
            throw new IllegalArgumentException("STAGES must name some of " + STAGES + ", got " + args[3]);
        }
        List<String> masters = List.of(args[4].split(",")).stream().map(String::strip).filter(master -> !master.isEmpty()).toList();
        Properties servers = PipelineBenchmark.addresses(addressFile);
        ObjectStoreConfig s3Config = ObjectStoreConfig.local(PipelineBenchmark.BUCKET, URI.create(servers.getProperty(PipelineServers.S3_ENDPOINT)),
                EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        WarehouseConfig warehouseConfig = WarehouseConfig.of(servers.getProperty(PipelineServers.WAREHOUSE_URI));
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"));
                Database database = Database.connect(postgres.databaseConfig());
                ObjectStore store = ObjectStore.create(s3Config);
                MongoClient mongo = WarehouseClients.create(warehouseConfig)) {
            database.migrate();
            store.createBucketIfAbsent();
            new SparkBenchmark(work, addressFile, postgres, database, store, WarehouseClients.database(mongo, warehouseConfig)).run(images, stages, masters);
        }
    }

    /** The lake as generated: what every run must carry. */
    private record Lake(int images, int inferences, long boxes, int inferencesWithoutBoxes)
    {
        long rows()
        {
            return images + inferences + boxes;
        }
    }

    private void run(int images, List<String> stages, List<String> masters)
            throws Exception
    {
        System.out.printf(Locale.ROOT, "{\"bench\": \"spark\", \"images\": %d, \"seed\": %d, \"stages\": \"%s\", \"masters\": \"%s\", \"childXmx\": \"%s\", "
                        + "\"jdbcPartitions\": \"%s\", \"jdbcConnections\": \"%s\", \"sparkPartitions\": \"%s\", \"java\": \"%s\"}%n",
                images, SEED, String.join(",", stages), String.join(",", masters), childXmx, environment("CXR_SPARK_JDBC_PARTITIONS", "8 (default)"),
                environment("CXR_SPARK_JDBC_CONNECTIONS", "as partitions (default)"), environment("CXR_SPARK_PARTITIONS", "2 x cores (default)"),
                System.getProperty("java.runtime.version"));
        // The lake ends today at midnight (UTC): every upload is older than any settle delay, in 30 whole daily partitions.
        progress("generating the lake (" + images + " images)");
        SyntheticLake synthetic = new SyntheticLake(images, SEED, Instant.now().truncatedTo(ChronoUnit.DAYS));
        SyntheticLake.Written written = synthetic.write(database, store, HASH_THREADS, false);
        Lake lake = new Lake(written.images(), written.inferences(), written.boxes(), written.inferencesWithoutBoxes());
        System.out.printf(Locale.ROOT, "{\"lake\": \"generated\", \"images\": %d, \"inferences\": %d, \"boxes\": %d, \"inferencesWithoutBoxes\": %d, \"rows\": %d, "
                        + "\"pngAndHashSeconds\": %.1f, \"copySeconds\": %.1f, \"vacuumAnalyzeSeconds\": %.1f}%n",
                lake.images(), lake.inferences(), lake.boxes(), lake.inferencesWithoutBoxes(), lake.rows(), written.s3Seconds(), written.copySeconds(),
                written.vacuumSeconds());

        for (String stage : stages) {
            List<String> engines = new ArrayList<>();
            engines.add(SINGLE);
            masters.forEach(master -> engines.add("spark " + master));
            for (String engine : engines) {
                reset(stage);
                progress(stage + ", " + engine);
                Run run = engine.equals(SINGLE) ? single(stage, lake) : spark(stage, engine.substring("spark ".length()), lake);
                runs.add(run);
                System.out.printf(Locale.ROOT, "{\"stage\": \"%s\", \"engine\": \"%s\", \"images\": %d, \"inferences\": %d, \"boxes\": %d, \"rows\": %d, "
                                + "\"wallSeconds\": %.2f, \"stageSeconds\": %.2f, \"rowsPerSecond\": %.0f, \"stageRowsPerSecond\": %.0f, \"maxRssMb\": %.0f, "
                                + "\"cpuSeconds\": %.2f, \"serversCpuSeconds\": %.2f, \"postgresCpuSeconds\": %.2f, \"loadAverage\": \"%s\", \"sameFilesAsSingle\": \"%s\", "
                                + "\"printed\": %s}%n",
                        stage, engine, lake.images(), lake.inferences(), lake.boxes(), lake.rows(), run.measured().wallSeconds(), run.stageSeconds(),
                        lake.rows() / run.measured().wallSeconds(), lake.rows() / run.stageSeconds(), run.measured().maxRssMb(), run.measured().cpuSeconds(),
                        run.measured().serversCpuSeconds(), run.measured().postgresCpuSeconds(), TimedProcess.loadAverage(), run.sameFiles(), run.printed());
            }
        }
        printTable(lake);
    }

    /** One run of a stage by one engine: what it cost, its own time, and what it printed (JSON). */
    private record Run(String stage, String engine, TimedProcess.Measured measured, double stageSeconds, String printed, String sameFiles)
    {
        double number(String key)
        {
            return SparkBenchmark.number(printed, key, stage + " (" + engine + ")");
        }
    }

    private Run single(String stage, Lake lake)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + childXmx, "-Djava.io.tmpdir=" + Files.createDirectories(work.resolve("tmp"))));
        logback.ifPresent(file -> command.add("-Dlogback.configurationFile=" + file));
        command.addAll(List.of("-cp", jar.toString(), "-Dloader.main=" + StageProcess.class.getName(), LAUNCHER,
                stage, Integer.toString(postgres.port()), addressFile.toString(), work.resolve("backup-work").toString()));
        TimedProcess.Measured measured = processes.run(stage + " single", command, Map.of());
        String printed = measured.output().lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(stage + " (single JVM) printed no result: " + measured.output()));
        String result = object(printed, "result");
        Run run = new Run(stage, SINGLE, measured, number(printed, "seconds", stage), result, "");
        if (stage.equals("backup")) {
            check(run, "images", lake.images(), "inferences", lake.inferences(), "boxes", lake.boxes(), "detectionRows", lake.boxes() + lake.inferencesWithoutBoxes());
            checkBackupObjects(run, "files", "bytes");
            singleBackupFiles = backupFiles();
        }
        else {
            check(run, "inferences", lake.inferences(), "boxes", lake.boxes(), "documentsInserted", lake.images(), "documentsUpdated", 0);
            checkWarehouseDocuments(run, lake);
        }
        return run;
    }

    private Run spark(String stage, String master, Lake lake)
            throws IOException, InterruptedException
    {
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        List<String> command = new ArrayList<>(List.of(java(), "-Xmx" + childXmx));
        command.addAll(sparkFlags);
        command.add("-Djava.io.tmpdir=" + tmp);
        logback.ifPresent(file -> command.add("-Dlogback.configurationFile=" + file));
        command.addAll(List.of("-cp", sparkClasspath, SPARK_MAIN, stage, "--master", master));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put("CXR_DATABASE_URL", postgres.jdbcUrl());
        environment.put("CXR_DATABASE_USERNAME", EmbeddedPostgres.USER);
        environment.put("CXR_S3_ENDPOINT", servers.getProperty(PipelineServers.S3_ENDPOINT));
        environment.put("CXR_S3_BUCKET", PipelineBenchmark.BUCKET);
        environment.put("CXR_S3_ACCESS_KEY", EmbeddedS3.ACCESS_KEY);
        environment.put("CXR_S3_SECRET_KEY", EmbeddedS3.SECRET_KEY);
        environment.put("CXR_S3_PATH_STYLE", "true");
        environment.put("CXR_WAREHOUSE_URI", servers.getProperty(PipelineServers.WAREHOUSE_URI));
        // As StageProcess runs the stages: every row of the generated lake is old enough.
        environment.put("CXR_PIPELINE_SETTLE", "0s");
        environment.put("SPARK_LOCAL_IP", "127.0.0.1");
        environment.put("SPARK_LOCAL_DIRS", tmp.toString());
        String engine = "spark " + master;
        TimedProcess.Measured measured = processes.run(stage + " " + engine, command, environment);
        Matcher result = SPARK_RESULT.matcher(measured.output());
        if (!result.find() || !result.group(1).equals(stage)) {
            throw new IllegalStateException(stage + " (" + engine + ") printed no successful run: " + measured.output());
        }
        PipelineRun recorded = new PipelineRuns(database, Clock.systemUTC()).find(Long.parseLong(result.group(2)))
                .orElseThrow(() -> new IllegalStateException("run " + result.group(2) + " is not in the run history"));
        double stageSeconds = Duration.between(recorded.startedAt(), recorded.finishedAt().orElseThrow()).toMillis() / 1e3;
        Run run = new Run(stage, engine, measured, stageSeconds, result.group(3), stage.equals("backup") ? sameFiles(backupFiles()) : "");
        if (stage.equals("backup")) {
            check(run, "images", lake.images(), "inferences", lake.inferences(), "predictedBoxes", lake.boxes(),
                    "detections", lake.boxes() + lake.inferencesWithoutBoxes(), "watermarkInferenceId", lake.inferences());
            checkBackupObjects(run, "files", "bytes");
        }
        else {
            check(run, "inferencesRead", lake.inferences(), "boxesRead", lake.boxes(), "documentsInserted", lake.images(), "documentsUpdated", 0,
                    "watermarkInferenceId", lake.inferences());
            checkWarehouseDocuments(run, lake);
        }
        return run;
    }

    /** The lake as the stage has never seen it: no watermark, and none of the stage's output. */
    private void reset(String stage)
    {
        PipelineRuns history = new PipelineRuns(database, Clock.systemUTC());
        if (history.leaseHolder(stage).isPresent()) {
            throw new IllegalStateException("The " + stage + " stage's lease is held by run " + history.leaseHolder(stage).get());
        }
        Watermarks watermarks = new Watermarks(database, Clock.systemUTC());
        watermarks.forget(stage);
        if (stage.equals("backup")) {
            for (StoredObject object : backupObjects()) {
                store.delete(object.key());
            }
            if (!backupObjects().isEmpty()) {
                throw new IllegalStateException("The backup's objects under " + BackupOptions.DEFAULT_PREFIX + " could not be deleted");
            }
        }
        else {
            warehouse.drop();
        }
        String name = stage.equals("backup") ? Backup.STAGE : Warehouse.STAGE;
        if (!watermarks.read(name).equals(Watermark.START)) {
            throw new IllegalStateException("The " + stage + " stage's watermark did not go back to the start");
        }
    }

    /** Every object under the backup's prefix (both engines write to the default one). */
    private List<StoredObject> backupObjects()
    {
        List<StoredObject> objects = new ArrayList<>();
        Optional<String> token = Optional.empty();
        do {
            ObjectListing page = store.list(BackupOptions.DEFAULT_PREFIX, token, ObjectStore.MAX_KEYS_PER_PAGE);
            objects.addAll(page.objects());
            token = page.nextToken();
        }
        while (token.isPresent());
        return objects;
    }

    /** The Parquet files in the bucket are those the run reports, in number and bytes. */
    private void checkBackupObjects(Run run, String filesKey, String bytesKey)
    {
        List<StoredObject> parquet = backupObjects().stream().filter(object -> object.key().endsWith(".parquet")).toList();
        long bytes = parquet.stream().mapToLong(StoredObject::sizeBytes).sum();
        check(run, filesKey, parquet.size(), bytesKey, bytes);
    }

    /** The files of the one backup run in the bucket, as its manifest lists them: key to SHA-256. */
    private Map<String, String> backupFiles()
    {
        List<Manifest> manifests = new BackupCatalog(store, BackupOptions.defaults()).manifests();
        if (manifests.size() != 1) {
            throw new IllegalStateException("Expected the manifest of one backup run, found " + manifests.size());
        }
        Map<String, String> files = new TreeMap<>();
        for (ManifestFile file : manifests.get(0).files()) {
            files.put(file.key(), file.sha256());
        }
        return files;
    }

    /**
     * How many of the files are those the single-machine backup wrote, byte for byte (as the Spark backup means to),
     * and which datasets differ: not a failure, the rows are checked apart from this.
     */
    private String sameFiles(Map<String, String> files)
    {
        if (singleBackupFiles.isEmpty()) {
            return "no single-machine backup to compare with";
        }
        long same = files.entrySet().stream().filter(file -> file.getValue().equals(singleBackupFiles.get(file.getKey()))).count();
        Map<String, Integer> differing = new TreeMap<>();
        for (String key : files.keySet()) {
            if (!files.get(key).equals(singleBackupFiles.get(key))) {
                differing.merge(key.substring(BackupOptions.DEFAULT_PREFIX.length()).split("/")[0], 1, Integer::sum);
            }
        }
        for (String key : singleBackupFiles.keySet()) {
            if (!files.containsKey(key)) {
                differing.merge("missing " + key.substring(BackupOptions.DEFAULT_PREFIX.length()).split("/")[0], 1, Integer::sum);
            }
        }
        return same + " of " + singleBackupFiles.size() + " identical" + (differing.isEmpty() ? "" : "; differ: " + differing);
    }

    private void checkWarehouseDocuments(Run run, Lake lake)
    {
        long documents = warehouse.getCollection(DataMartExport.DEFAULT_COLLECTION).estimatedDocumentCount();
        if (documents != lake.images()) {
            throw new IllegalStateException(run.stage() + " (" + run.engine() + "): the warehouse holds " + documents + " documents, expected " + lake.images());
        }
    }

    /** A run that did not carry every row would make a fast number that means nothing. */
    private static void check(Run run, Object... expected)
    {
        for (int i = 0; i < expected.length; i += 2) {
            String key = (String) expected[i];
            double want = ((Number) expected[i + 1]).doubleValue();
            if (run.number(key) != want) {
                throw new IllegalStateException(run.stage() + " (" + run.engine() + "): " + key + " is " + run.number(key) + ", expected " + want + ": " + run.printed());
            }
        }
    }

    private void printTable(Lake lake)
    {
        System.out.println();
        System.out.printf(Locale.ROOT, "Lake: %,d images, %,d inferences, %,d boxes (%,d rows: images + inferences + boxes). Each run a process of its own, from an "
                + "empty watermark, -Xmx%s.%n", lake.images(), lake.inferences(), lake.boxes(), lake.rows(), childXmx);
        System.out.println("Wall, peak RSS, CPU: the process (JVM start-up, and Spark's session, included), from /usr/bin/time -v. Stage s: inside the process "
                + "(single JVM: the stage's own clock; Spark: the run history's start to end). Rows/s: rows / wall s (rows / stage s). CPU s: the job's process; "
                + "servers: the S3 + warehouse JVM; PG: PostgreSQL.");
        System.out.println();
        System.out.println("| stage | engine | wall s | stage s | rows/s wall (stage) | peak RSS MB | CPU s job + servers + PG | job CPU / wall | output |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Run run : runs) {
            TimedProcess.Measured m = run.measured();
            String output = run.stage().equals("backup")
                    ? String.format(Locale.ROOT, "%,.0f files, %.1f MB%s", run.number("files"), run.number("bytes") / 1e6,
                            run.sameFiles().isEmpty() ? "" : " (as the single JVM's: " + run.sameFiles() + ")")
                    : String.format(Locale.ROOT, "%,.0f documents", run.number("documentsInserted"));
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.1f | %,.0f (%,.0f) | %.0f | %.1f + %.1f + %.1f | %.2f | %s |%n",
                    run.stage(), run.engine(), m.wallSeconds(), run.stageSeconds(), lake.rows() / m.wallSeconds(), lake.rows() / run.stageSeconds(),
                    m.maxRssMb(), m.cpuSeconds(), m.serversCpuSeconds(), m.postgresCpuSeconds(), m.cpuSeconds() / m.wallSeconds(), output);
        }
    }

    private static double number(String json, String key, String what)
    {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\": ?(-?[0-9.]+)").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException(what + " printed no " + key + ": " + json);
        }
        return Double.parseDouble(matcher.group(1));
    }

    /** The flat object under {@code key} in a line StageProcess printed. */
    private static String object(String json, String key)
    {
        Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\": (\\{[^{}]*})").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + key + " in " + json);
        }
        return matcher.group(1);
    }

    /** On stderr, so that a long run says where it is; stdout keeps the results. */
    private static void progress(String what)
    {
        System.out.flush();
        System.err.println(java.time.LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + what);
    }

    private static String environment(String name, String otherwise)
    {
        return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank()).orElse(otherwise);
    }

    private static String java()
    {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static String required(String property)
    {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("-D" + property + " is required");
        }
        return value;
    }
}
