package org.cxr.bench;

import org.cxr.lake.Lake;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Our backup and warehouse stages next to the original system's Stage 3 and Stage 4 jobs (re-created in Python in
 * {@code bench/peers/}), on one generated lake, each job a process of its own, measured the same way: wall time and
 * peak resident set size from {@code /usr/bin/time -v}, its CPU time, and the CPU time the shared servers (PostgreSQL;
 * the S3 server and the warehouse, which share a JVM) spent meanwhile.
 *
 * <p>Two runs: a full run on a lake never processed (ours from empty watermarks, the peers into an empty collection and
 * prefix), then {@code ADD} more inferences through the lake's ingest path ({@link SyntheticLake#add}) and an
 * incremental run: ours from the watermarks the full run left, the peers as they always run, reading everything again.
 * Checks that every job carried every row, prints one JSON line per job and a Markdown table at the end.
 *
 * <pre>java -Dbench.jar=JAR -Dbench.peers=DIR [-Dbench.python=/usr/bin/python3] [-Dbench.childXmx=2g] [-Dbench.serversPid=PID]
 *     ... PeerBenchmark WORK_DIR IMAGES ADDRESS_FILE ADD</pre>
 */
public final class PeerBenchmark
{
    private static final long SEED = 4242;
    private static final int PUT_THREADS = 8;
    private static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";

    private final Path work;
    private final Path addressFile;
    private final Properties servers;
    private final EmbeddedPostgres postgres;
    private final Path jar;
    private final Path peers;
    private final String python;
    private final String childXmx;
    private final TimedProcess processes;
    private final boolean boto3;
    private final List<Job> jobs = new ArrayList<>();

    private PeerBenchmark(Path work, Path addressFile, EmbeddedPostgres postgres)
            throws IOException, InterruptedException
    {
        this.work = requireNonNull(work, "work");
        this.addressFile = requireNonNull(addressFile, "addressFile");
        this.servers = PipelineBenchmark.addresses(addressFile);
        this.postgres = requireNonNull(postgres, "postgres");
        this.jar = Path.of(required("bench.jar")).toAbsolutePath();
        this.peers = Path.of(required("bench.peers")).toAbsolutePath();
        this.python = System.getProperty("bench.python", "/usr/bin/python3");
        this.childXmx = System.getProperty("bench.childXmx", "2g");
        String pid = System.getProperty("bench.serversPid", "");
        this.processes = new TimedProcess(work, pid.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(pid)), postgres);
        this.boto3 = new ProcessBuilder(python, "-c", "import boto3").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor() == 0;
    }

    public static void main(String[] args)
            throws Exception
    {
        if (args.length != 4) {
            System.err.println("usage: PeerBenchmark WORK_DIR IMAGES ADDRESS_FILE ADD");
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        int images = Integer.parseInt(args[1].replace("_", ""));
        Path addressFile = Path.of(args[2]);
        int add = Integer.parseInt(args[3].replace("_", ""));
        Properties servers = PipelineBenchmark.addresses(addressFile);
        ObjectStoreConfig s3Config = ObjectStoreConfig.local(PipelineBenchmark.BUCKET, URI.create(servers.getProperty(PipelineServers.S3_ENDPOINT)),
                EmbeddedS3.ACCESS_KEY, EmbeddedS3.SECRET_KEY);
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"));
                Database database = Database.connect(postgres.databaseConfig());
                ObjectStore store = ObjectStore.create(s3Config)) {
            database.migrate();
            store.createBucketIfAbsent();
            new PeerBenchmark(work, addressFile, postgres).run(database, store, images, add);
        }
    }

    private void run(Database database, ObjectStore store, int images, int add)
            throws Exception
    {
        Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
        SyntheticLake synthetic = new SyntheticLake(images, SEED, end);
        SyntheticLake.Written lake = synthetic.write(database, store, PUT_THREADS);
        System.out.printf(Locale.ROOT, "{\"lake\": \"generated\", \"images\": %d, \"inferences\": %d, \"boxes\": %d, \"inferencesWithoutBoxes\": %d, "
                        + "\"seconds\": %.1f, \"stage3Target\": \"%s\"}%n", lake.images(), lake.inferences(), lake.boxes(), lake.inferencesWithoutBoxes(),
                lake.s3Seconds() + lake.copySeconds() + lake.vacuumSeconds(), boto3 ? "s3 (boto3)" : "local files (no boto3)");
        long detectionRows = lake.boxes() + lake.inferencesWithoutBoxes();

        Job backup = run("full", "ours: backup", ours("backup"));
        check(backup, "images", lake.images(), "inferences", lake.inferences(), "boxes", lake.boxes(), "detectionRows", detectionRows);
        Job warehouse = run("full", "ours: warehouse", ours("warehouse"));
        check(warehouse, "inferences", lake.inferences(), "boxes", lake.boxes(), "documentsInserted", lake.images());
        Job stage3 = run("full", "original: Stage 3", stage3());
        check(stage3, "objects", lake.images(), "joinedRows", detectionRows);
        Job stage4 = run("full", "original: Stage 4", stage4());
        check(stage4, "documentsInserted", lake.images(), "documentsUpdated", 0);
        if (add == 0) {
            printTable(images, 0);
            return;
        }

        SyntheticLake.Added added = synthetic.add(new Lake(database, store, Clock.systemUTC()), add);
        System.out.printf(Locale.ROOT, "{\"lake\": \"added\", \"inferences\": %d, \"newImages\": %d, \"reuploads\": %d, \"boxes\": %d, \"inferencesWithoutBoxes\": %d, "
                + "\"seconds\": %.1f}%n", added.inferences(), added.newImages(), added.reuploads(), added.boxes(), added.inferencesWithoutBoxes(), added.seconds());
        int allImages = lake.images() + added.newImages();
        long allDetectionRows = detectionRows + added.boxes() + added.inferencesWithoutBoxes();

        backup = run("incremental", "ours: backup", ours("backup"));
        check(backup, "images", added.newImages(), "inferences", added.inferences(), "boxes", added.boxes(),
                "detectionRows", added.boxes() + added.inferencesWithoutBoxes());
        warehouse = run("incremental", "ours: warehouse", ours("warehouse"));
        check(warehouse, "inferences", added.inferences(), "boxes", added.boxes(), "documentsInserted", added.newImages(),
                // Ours counts as appended every inference it wrote, those in new documents too.
                "documentsUpdated", added.reuploads(), "inferencesAppended", added.inferences());
        stage3 = run("incremental", "original: Stage 3", stage3());
        check(stage3, "objects", allImages, "joinedRows", allDetectionRows);
        stage4 = run("incremental", "original: Stage 4", stage4());
        check(stage4, "documentsInserted", added.newImages(), "documentsUpdated", added.reuploads(), "transactionsAppended", added.reuploads());
        printTable(images, add);
    }

    private List<String> ours(String stage)
    {
        String java = ProcessHandle.current().info().command().orElse("java");
        return List.of(java, "-Xmx" + childXmx, "-cp", jar.toString(), "-Dloader.main=" + StageProcess.class.getName(), LAUNCHER,
                stage, Integer.toString(postgres.port()), addressFile.toString(), work.resolve("backup-work").toString());
    }

    private List<String> stage3()
    {
        List<String> command = new ArrayList<>(List.of(python, peers.resolve("original_stage3.py").toString(), "--pg-port", Integer.toString(postgres.port())));
        if (boto3) {
            command.addAll(List.of("--s3-endpoint", servers.getProperty(PipelineServers.S3_ENDPOINT), "--bucket", PipelineBenchmark.BUCKET));
        }
        else {
            command.addAll(List.of("--out", work.resolve("original-backup").toString()));
        }
        return command;
    }

    private List<String> stage4()
    {
        return List.of(python, peers.resolve("original_stage4.py").toString(), "--pg-port", Integer.toString(postgres.port()),
                "--mongo-uri", servers.getProperty(PipelineServers.WAREHOUSE_URI));
    }

    /** One job's process, measured from outside, with what it printed. */
    private record Job(String run, String name, String output, double wallSeconds, double maxRssMb, double cpuSeconds,
            double serversCpuSeconds, double postgresCpuSeconds)
    {
        double number(String key)
        {
            Matcher matcher = Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.]+)").matcher(output);
            if (!matcher.find()) {
                throw new IllegalStateException(name + " printed no " + key + ": " + output);
            }
            return Double.parseDouble(matcher.group(1));
        }
    }

    private Job run(String run, String name, List<String> command)
            throws IOException, InterruptedException
    {
        TimedProcess.Measured measured = processes.run(run + " " + name, command,
                Map.of("AWS_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY));
        String output = measured.output();
        String last = output.lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(name + " printed no result: " + output));
        Job job = new Job(run, name, last, measured.wallSeconds(), measured.maxRssMb(), measured.cpuSeconds(), measured.serversCpuSeconds(),
                measured.postgresCpuSeconds());
        jobs.add(job);
        System.out.printf(Locale.ROOT, "{\"run\": \"%s\", \"job\": \"%s\", \"wallSeconds\": %.2f, \"maxRssMb\": %.0f, \"cpuSeconds\": %.2f, "
                        + "\"serversCpuSeconds\": %.2f, \"postgresCpuSeconds\": %.2f, \"loadAverage\": \"%s\", \"printed\": %s}%n",
                run, name, job.wallSeconds(), job.maxRssMb(), job.cpuSeconds(), job.serversCpuSeconds(), job.postgresCpuSeconds(),
                TimedProcess.loadAverage(), last);
        return job;
    }

    /** A job that did not carry every row would make a fast number that means nothing. */
    private static void check(Job job, Object... expected)
    {
        for (int i = 0; i < expected.length; i += 2) {
            String key = (String) expected[i];
            double want = ((Number) expected[i + 1]).doubleValue();
            if (job.number(key) != want) {
                throw new IllegalStateException(job.name() + " (" + job.run() + "): " + key + " is " + job.number(key) + ", expected " + want + ": " + job.output());
            }
        }
    }

    private void printTable(int images, int add)
    {
        System.out.println();
        System.out.printf(Locale.ROOT, "Lake: %,d images, one inference each, ~10 boxes per inference; then %,d more inferences (half on new images).%n", images, add);
        System.out.println("Ratio = the original's / ours. Wall and RSS of each job's process (JVM or Python start-up included); \"stage\" = inside the"
                + " process, after start-up and imports. CPU: the job's process; servers: the S3 + warehouse JVM; PG: PostgreSQL.");
        System.out.println();
        System.out.println("| run | ours | original's | wall s: ours / original's (ratio) | stage s: ours / original's (ratio) "
                + "| peak RSS MB: ours / original's (ratio) | ours' peak heap MB | CPU s job + servers + PG: ours / original's |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (String run : List.of("full", "incremental")) {
            for (String[] pair : new String[][] {{"ours: backup", "original: Stage 3"}, {"ours: warehouse", "original: Stage 4"}}) {
                Optional<Job> ours = job(run, pair[0]);
                Optional<Job> theirs = job(run, pair[1]);
                if (ours.isEmpty() || theirs.isEmpty()) {
                    continue;
                }
                Job a = ours.get();
                Job b = theirs.get();
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f / %.1f (%.1f×) | %.2f / %.1f (%.1f×) | %.0f / %.0f (%.1f×) | %.0f | %.1f + %.1f + %.1f / %.1f + %.1f + %.1f |%n",
                        run, pair[0].substring("ours: ".length()), pair[1].substring("original: ".length()),
                        a.wallSeconds(), b.wallSeconds(), b.wallSeconds() / a.wallSeconds(),
                        a.number("seconds"), b.number("seconds"), b.number("seconds") / a.number("seconds"),
                        a.maxRssMb(), b.maxRssMb(), b.maxRssMb() / a.maxRssMb(), a.number("peakHeapMb"),
                        a.cpuSeconds(), a.serversCpuSeconds(), a.postgresCpuSeconds(), b.cpuSeconds(), b.serversCpuSeconds(), b.postgresCpuSeconds());
            }
        }
    }

    private Optional<Job> job(String run, String name)
    {
        return jobs.stream().filter(job -> job.run().equals(run) && job.name().equals(name)).findFirst();
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
