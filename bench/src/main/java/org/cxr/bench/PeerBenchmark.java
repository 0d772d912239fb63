package org.cxr.bench;

import org.cxr.lake.Lake;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.ObjectStoreConfig;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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
    private static final String TIME = "/usr/bin/time";
    private static final double CLOCK_TICKS = 100.0;

    private final Path work;
    private final Path addressFile;
    private final Properties servers;
    private final EmbeddedPostgres postgres;
    private final Path jar;
    private final Path peers;
    private final String python;
    private final String childXmx;
    private final Optional<Long> serversPid;
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
        this.serversPid = pid.isBlank() ? Optional.empty() : Optional.of(Long.parseLong(pid));
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
        String file = (run + "-" + name).replaceAll("[^A-Za-z0-9]+", "-");
        Path timeFile = work.resolve(file + ".time");
        Path out = work.resolve(file + ".out");
        Path err = work.resolve(file + ".err");
        List<String> timed = new ArrayList<>(List.of(TIME, "-v", "-o", timeFile.toString()));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", EmbeddedS3.ACCESS_KEY);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", EmbeddedS3.SECRET_KEY);
        double serversBefore = serversPid.map(PeerBenchmark::cpuSeconds).orElse(0.0);
        double postgresBefore = postgresCpuSeconds();
        int exit = builder.start().waitFor();
        double serversCpu = serversPid.map(PeerBenchmark::cpuSeconds).orElse(0.0) - serversBefore;
        double postgresCpu = postgresCpuSeconds() - postgresBefore;
        String output = Files.readString(out, StandardCharsets.UTF_8).strip();
        if (exit != 0) {
            throw new IllegalStateException(name + " (" + run + ") exited with " + exit + ":\n" + output + "\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        String last = output.lines().filter(line -> line.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(name + " printed no result: " + output));
        Map<String, String> time = timeReport(timeFile);
        Job job = new Job(run, name, last, wallSeconds(time.get("Elapsed (wall clock) time (h:mm:ss or m:ss)")),
                Double.parseDouble(time.get("Maximum resident set size (kbytes)")) / 1024,
                Double.parseDouble(time.get("User time (seconds)")) + Double.parseDouble(time.get("System time (seconds)")), serversCpu, postgresCpu);
        jobs.add(job);
        System.out.printf(Locale.ROOT, "{\"run\": \"%s\", \"job\": \"%s\", \"wallSeconds\": %.2f, \"maxRssMb\": %.0f, \"cpuSeconds\": %.2f, "
                        + "\"serversCpuSeconds\": %.2f, \"postgresCpuSeconds\": %.2f, \"loadAverage\": \"%s\", \"printed\": %s}%n",
                run, name, job.wallSeconds(), job.maxRssMb(), job.cpuSeconds(), serversCpu, postgresCpu, loadAverage(), last);
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

    private static Map<String, String> timeReport(Path file)
            throws IOException
    {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.lastIndexOf(": ");
            if (colon > 0) {
                values.put(line.substring(0, colon).strip(), line.substring(colon + 2).strip());
            }
        }
        return values;
    }

    /** "1:02:03.45", "2:03.45" or "3.45" seconds. */
    private static double wallSeconds(String elapsed)
    {
        double seconds = 0;
        for (String part : requireNonNull(elapsed, "elapsed").split(":")) {
            seconds = seconds * 60 + Double.parseDouble(part);
        }
        return seconds;
    }

    /** User and system CPU seconds of a live process (and of its children it has waited for). */
    private static double cpuSeconds(long pid)
    {
        String[] fields = stat(pid);
        if (fields == null) {
            return 0;
        }
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / CLOCK_TICKS;
    }

    /** The postmaster (with the backends that have exited) and its live processes: backends, checkpointer, WAL writer. */
    private double postgresCpuSeconds()
    {
        try {
            long postmaster = Long.parseLong(Files.readAllLines(postgres.dataDirectory().resolve("postmaster.pid")).get(0).strip());
            double total = cpuSeconds(postmaster);
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.filter(path -> path.getFileName().toString().matches("[0-9]+")).toList()) {
                    String[] fields = stat(Long.parseLong(process.getFileName().toString()));
                    if (fields != null && Long.parseLong(fields[1]) == postmaster) {
                        total += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLOCK_TICKS;
                    }
                }
            }
            return total;
        }
        catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The fields of /proc/PID/stat after the command name (index 0 is the state), or null if the process is gone. */
    private static String[] stat(long pid)
    {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        }
        catch (IOException e) {
            return null;
        }
    }

    private static String loadAverage()
    {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        catch (IOException e) {
            return "?";
        }
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
