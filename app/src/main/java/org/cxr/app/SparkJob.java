package org.cxr.app;

import org.cxr.app.pipeline.Stage;
import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.errors.UnavailableException;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.WarehouseConfig;
import org.springframework.boot.system.ApplicationHome;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A stage run by its Apache Spark job ({@code org.cxr.spark.SparkStages} in {@code cxr-spark.jar}) in a child
 * process, so that this application carries no Spark. With {@code SPARK_HOME} the job goes through that
 * installation's {@code spark-submit}; without, through plain {@code java} on the class path the spark module wrote
 * beside the jar when it was built ({@value #SPARK_CLASSPATH}, {@value #SHARED_CLASSPATH}) and with the JVM flags Spark
 * needs on Java 17 ({@value #JVM_FLAGS}). The job is configured by the environment variables this application reads:
 * the caller's environment, and over it the stores as this process resolved them ({@link #environment}).
 */
final class SparkJob
{
    static final String MAIN_CLASS = "org.cxr.spark.SparkStages";
    /** Where the spark module builds the job, from the root of the checkout. */
    static final Path CHECKOUT_JAR = Path.of("spark", "target", "cxr-spark.jar");
    static final String SPARK_CLASSPATH = "spark-classpath.txt";
    static final String SHARED_CLASSPATH = "spark-shared-classpath.txt";
    static final String JVM_FLAGS = "spark-jvm-flags.txt";
    /** The master of a job started without spark-submit, when none is given: this machine, all its cores. */
    static final String LOCAL_MASTER = "local[*]";

    private final Path jar;
    private final Optional<Path> sparkHome;

    private SparkJob(Path jar, Optional<Path> sparkHome)
    {
        this.jar = requireNonNull(jar, "jar");
        this.sparkHome = requireNonNull(sparkHome, "sparkHome");
    }

    /** How the job ended: the child's exit status, and the line it printed for the run (none if it did not start one). */
    record Result(int exitCode, Optional<String> runLine) {}

    /**
     * The stores a job reaches, as this process resolved them: the embedded servers' addresses when it runs them, the
     * configured ones otherwise.
     */
    record Stores(Path dataDirectory, DatabaseConfig database, ObjectStoreConfig objects, WarehouseConfig warehouse, Path dataMart,
            double trainRatio, Duration settle)
    {
        Stores
        {
            requireNonNull(dataDirectory, "dataDirectory");
            requireNonNull(database, "database");
            requireNonNull(objects, "objects");
            requireNonNull(warehouse, "warehouse");
            requireNonNull(dataMart, "dataMart");
            requireNonNull(settle, "settle");
        }
    }

    /**
     * The job to run: the configured jar, else the one the spark module builds in the checkout this application runs
     * from. What is missing is said before any server starts, as one line: a jar not built, a {@code SPARK_HOME}
     * without {@code spark-submit}, a jar without the class path files that starting it without Spark need.
     */
    static SparkJob locate(Optional<Path> configuredJar, Map<String, String> environment)
    {
        requireNonNull(configuredJar, "configuredJar");
        requireNonNull(environment, "environment");
        Path jar = configuredJar.orElseGet(SparkJob::checkoutJar).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new NotFoundException("spark_job_missing", "No Spark job at " + jar + ": build it with ./mvnw -B -DskipTests -pl spark -am package"
                    + " (./cxr does so itself for --engine spark), or set CXR_SPARK_JAR to cxr-spark.jar.");
        }
        Optional<Path> sparkHome = Optional.ofNullable(environment.get("SPARK_HOME")).filter(home -> !home.isBlank()).map(Path::of);
        if (sparkHome.isPresent()) {
            Path submit = submitScript(sparkHome.get());
            if (!Files.isExecutable(submit)) {
                throw new NotFoundException("spark_submit_missing", "SPARK_HOME is " + sparkHome.get() + ", which has no " + submit.getFileName()
                        + " in bin/: set it to a Spark 3.5 installation, or unset it to start the job without one.");
            }
        }
        else {
            for (String file : List.of(SPARK_CLASSPATH, SHARED_CLASSPATH, JVM_FLAGS)) {
                if (!Files.isRegularFile(jar.resolveSibling(file))) {
                    throw new NotFoundException("spark_classpath_missing", "SPARK_HOME is not set, and " + jar.getParent() + " has no " + file
                            + " (which the spark module writes beside the jar it builds) to start the job without a Spark installation:"
                            + " set SPARK_HOME, or build the spark module.");
                }
            }
        }
        return new SparkJob(jar, sparkHome);
    }

    /** {@link #CHECKOUT_JAR} of the first folder above this application's jar (or classes) that holds the spark module. */
    private static Path checkoutJar()
    {
        Path home = new ApplicationHome(Cxr.class).getDir().toPath().toAbsolutePath();
        for (Path folder = home; folder != null; folder = folder.getParent()) {
            if (Files.isRegularFile(folder.resolve("spark").resolve("pom.xml"))) {
                return folder.resolve(CHECKOUT_JAR);
            }
        }
        // Not run from a checkout: the working folder's, so that the message names a place.
        return CHECKOUT_JAR;
    }

    private static Path submitScript(Path sparkHome)
    {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return sparkHome.resolve("bin").resolve(windows ? "spark-submit.cmd" : "spark-submit");
    }

    Path jar()
    {
        return jar;
    }

    /** The command that runs the stage: spark-submit of {@code SPARK_HOME}, else this JVM's java on the job's class path. */
    List<String> command(Stage stage, Optional<String> master)
    {
        requireNonNull(stage, "stage");
        requireNonNull(master, "master");
        List<String> command = new ArrayList<>();
        if (sparkHome.isPresent()) {
            command.add(submitScript(sparkHome.get()).toString());
            // Without --master, spark-submit's own default (spark-defaults.conf, else local[*]) holds.
            master.ifPresent(url -> command.addAll(List.of("--master", url)));
            command.addAll(List.of("--class", MAIN_CLASS, jar.toString(), stage.id()));
            return command;
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(read(JVM_FLAGS).split("\\s+")));
        String separator = System.getProperty("path.separator");
        command.addAll(List.of("-cp", read(SPARK_CLASSPATH) + separator + read(SHARED_CLASSPATH) + separator + jar));
        command.addAll(List.of(MAIN_CLASS, stage.id(), "--master", master.orElse(LOCAL_MASTER)));
        return command;
    }

    private String read(String file)
    {
        try {
            return Files.readString(jar.resolveSibling(file), StandardCharsets.UTF_8).strip();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + jar.resolveSibling(file), e);
        }
    }

    /**
     * The child's environment: the caller's, with the settings of the stores as this process resolved them in the
     * variables the job reads (so the job reaches what the builtin engine would, embedded servers included, whether
     * they were set by variables, Spring Boot's names or system properties), and an unset variable removed rather
     * than left to the caller's value. A local job is bound to the loopback address, where the embedded servers listen
     * too, unless the caller says otherwise; Spark would look up the host's name, which not every host resolves.
     */
    Map<String, String> environment(Map<String, String> caller, Stores stores, Optional<String> master)
    {
        requireNonNull(caller, "caller");
        requireNonNull(stores, "stores");
        requireNonNull(master, "master");
        Map<String, String> environment = new LinkedHashMap<>(caller);
        Map<String, Optional<String>> resolved = new LinkedHashMap<>();
        resolved.put("CXR_DATA_DIR", Optional.of(stores.dataDirectory().toAbsolutePath().toString()));
        resolved.put("CXR_DATABASE_URL", Optional.of(stores.database().jdbcUrl()));
        resolved.put("CXR_DATABASE_USERNAME", Optional.of(stores.database().user()));
        resolved.put("CXR_DATABASE_PASSWORD", stores.database().password());
        resolved.put("CXR_S3_BUCKET", Optional.of(stores.objects().bucket()));
        resolved.put("CXR_S3_REGION", Optional.of(stores.objects().region()));
        resolved.put("CXR_S3_ENDPOINT", stores.objects().endpoint().map(Object::toString));
        resolved.put("CXR_S3_PATH_STYLE", Optional.of(Boolean.toString(stores.objects().pathStyle())));
        resolved.put("CXR_S3_ACCESS_KEY", stores.objects().credentials().map(ObjectStoreConfig.StaticCredentials::accessKeyId));
        resolved.put("CXR_S3_SECRET_KEY", stores.objects().credentials().map(ObjectStoreConfig.StaticCredentials::secretAccessKey));
        resolved.put("CXR_WAREHOUSE_URI", Optional.of(stores.warehouse().connectionString()));
        resolved.put("CXR_WAREHOUSE_DATABASE", Optional.of(stores.warehouse().database()));
        resolved.put("CXR_WAREHOUSE_TLS", Optional.of(Boolean.toString(stores.warehouse().tls())));
        resolved.put("CXR_WAREHOUSE_CA_FILE", stores.warehouse().caFile().map(file -> file.toAbsolutePath().toString()));
        resolved.put("CXR_DATAMART_DIR", Optional.of(stores.dataMart().toAbsolutePath().toString()));
        resolved.put("CXR_DATAMART_TRAIN_RATIO", Optional.of(Double.toString(stores.trainRatio())));
        // In milliseconds: a form the job reads as the application does, whatever form the caller wrote.
        resolved.put("CXR_PIPELINE_SETTLE", Optional.of(Long.toString(stores.settle().toMillis())));
        resolved.forEach((name, value) -> value.ifPresentOrElse(v -> environment.put(name, v), () -> environment.remove(name)));
        boolean local = master.orElse(sparkHome.isPresent() ? "" : LOCAL_MASTER).startsWith("local");
        if (local && !caller.containsKey("SPARK_LOCAL_IP")) {
            environment.put("SPARK_LOCAL_IP", "127.0.0.1");
        }
        return environment;
    }

    /**
     * Runs the stage and waits for the job's end. What the job prints goes to {@code out} line by line as it comes
     * (its run line), its log to this process's standard error; a job left running when this process is stopped is
     * stopped with it, as a builtin run would be.
     */
    Result run(Stage stage, Optional<String> master, Map<String, String> environment, PrintStream out)
    {
        requireNonNull(environment, "environment");
        requireNonNull(out, "out");
        ProcessBuilder builder = new ProcessBuilder(command(stage, master)).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        }
        catch (IOException e) {
            throw new UnavailableException("Cannot start the Spark job (" + builder.command().get(0) + "): " + e.getMessage(), e);
        }
        Thread stopJob = new Thread(process::destroy, "cxr-spark-job-stop");
        Runtime.getRuntime().addShutdownHook(stopJob);
        try {
            process.getOutputStream().close();
            Optional<String> runLine = Optional.empty();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.println(line);
                    if (line.startsWith(stage.id() + " run ")) {
                        runLine = Optional.of(line);
                    }
                }
            }
            return new Result(process.waitFor(), runLine);
        }
        catch (IOException e) {
            process.destroy();
            throw new UnavailableException("Lost the output of the Spark job: " + e.getMessage(), e);
        }
        catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Spark job", e);
        }
        finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopJob);
            }
            catch (IllegalStateException e) {
                // The JVM is shutting down already; the hook stops the job.
            }
        }
    }
}
