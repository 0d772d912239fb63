package org.cxr.app;

import org.cxr.app.pipeline.Stage;
import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.sql.DatabaseConfig;
import org.cxr.lake.store.ObjectStoreConfig;
import org.cxr.warehouse.WarehouseConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the Spark engine starts a stage's job, without Spark: the command for spark-submit and for plain java, the
 * environment the job is given, a fake spark-submit's line and exit status passed on, and what the command line says
 * about a job it cannot start. SparkEngineCliIT in the spark module runs the real jobs.
 */
class SparkJobTest
{
    @AfterEach
    void clear()
    {
        for (String key : List.of("cxr.data-directory", "cxr.spark.jar")) {
            System.clearProperty(key);
        }
    }

    @Test
    void withoutSparkHomeTheJobRunsOnJavaWithTheClassPathAndFlagsBesideTheJar(@TempDir Path dir)
            throws Exception
    {
        Path jar = built(dir);

        List<String> command = SparkJob.locate(Optional.of(jar), Map.of()).command(Stage.WAREHOUSE, Optional.empty());

        assertThat(command.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(command.subList(1, 4)).containsExactly("-XX:+IgnoreUnrecognizedVMOptions", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Djdk.reflect.useDirectMethodHandle=false");
        String separator = System.getProperty("path.separator");
        assertThat(command.subList(4, command.size())).containsExactly("-cp", "/spark/a.jar" + separator + "/spark/b.jar" + separator + "/sdk/s3.jar"
                + separator + jar, "org.cxr.spark.SparkStages", "warehouse", "--master", "local[*]");
    }

    @Test
    void withSparkHomeTheJobGoesThroughSparkSubmit(@TempDir Path dir)
            throws Exception
    {
        Path jar = Files.createFile(dir.resolve("cxr-spark.jar"));
        Path home = sparkHome(dir, "exit 0");

        SparkJob job = SparkJob.locate(Optional.of(jar), Map.of("SPARK_HOME", home.toString()));

        assertThat(job.command(Stage.BACKUP, Optional.of("local[2]"))).containsExactly(home.resolve("bin/spark-submit").toString(), "--master", "local[2]",
                "--class", "org.cxr.spark.SparkStages", jar.toString(), "backup");
        // Without a master, spark-submit's own default holds.
        assertThat(job.command(Stage.DATAMART, Optional.empty())).containsExactly(home.resolve("bin/spark-submit").toString(),
                "--class", "org.cxr.spark.SparkStages", jar.toString(), "datamart");
    }

    @Test
    void theJobIsToldTheStoresAsThisProcessResolvedThem(@TempDir Path dir)
            throws Exception
    {
        SparkJob job = SparkJob.locate(Optional.of(built(dir)), Map.of());
        SparkJob.Stores stores = new SparkJob.Stores(dir.resolve("data"), DatabaseConfig.of("jdbc:postgresql://localhost:5999/postgres", "postgres", null),
                ObjectStoreConfig.local("cxr-images", URI.create("http://127.0.0.1:9999"), "key", "secret"),
                WarehouseConfig.of("mongodb://127.0.0.1:27999"), dir.resolve("data/datamart"), 0.75, Duration.ofSeconds(2));
        Map<String, String> caller = Map.of("PATH", "/usr/bin", "CXR_DATABASE_PASSWORD", "of another database", "CXR_SPARK_JDBC_PARTITIONS", "4");

        Map<String, String> environment = job.environment(caller, stores, Optional.of("local[2]"));

        assertThat(environment).containsEntry("PATH", "/usr/bin")
                .containsEntry("CXR_SPARK_JDBC_PARTITIONS", "4")
                .containsEntry("CXR_DATA_DIR", dir.resolve("data").toString())
                .containsEntry("CXR_DATABASE_URL", "jdbc:postgresql://localhost:5999/postgres")
                .containsEntry("CXR_DATABASE_USERNAME", "postgres")
                .doesNotContainKey("CXR_DATABASE_PASSWORD")
                .containsEntry("CXR_S3_BUCKET", "cxr-images")
                .containsEntry("CXR_S3_REGION", "us-east-1")
                .containsEntry("CXR_S3_ENDPOINT", "http://127.0.0.1:9999")
                .containsEntry("CXR_S3_PATH_STYLE", "true")
                .containsEntry("CXR_S3_ACCESS_KEY", "key")
                .containsEntry("CXR_S3_SECRET_KEY", "secret")
                .containsEntry("CXR_WAREHOUSE_URI", "mongodb://127.0.0.1:27999")
                .containsEntry("CXR_WAREHOUSE_DATABASE", "x_ray")
                .containsEntry("CXR_WAREHOUSE_TLS", "false")
                .containsEntry("CXR_DATAMART_DIR", dir.resolve("data/datamart").toString())
                .containsEntry("CXR_DATAMART_TRAIN_RATIO", "0.75")
                .containsEntry("CXR_PIPELINE_SETTLE", "2000")
                .containsEntry("SPARK_LOCAL_IP", "127.0.0.1");
        assertThat(job.environment(Map.of(), stores, Optional.of("spark://cluster:7077"))).doesNotContainKey("SPARK_LOCAL_IP");
        assertThat(job.environment(Map.of("SPARK_LOCAL_IP", "10.0.0.5"), stores, Optional.empty())).containsEntry("SPARK_LOCAL_IP", "10.0.0.5");
    }

    @Test
    void theJobsLineAndExitStatusAreTheCommands(@TempDir Path dir)
            throws Exception
    {
        Path jar = Files.createFile(dir.resolve("cxr-spark.jar"));
        Path seen = dir.resolve("seen.txt");
        Path home = sparkHome(dir, "echo \"$@\" > '" + seen + "'; echo \"$CXR_DATABASE_URL\" >> '" + seen + "'\n"
                + "echo 'backup run 7: FAILED {\"engine\":\"spark\"} the bucket is gone'\nexit 1");
        SparkJob job = SparkJob.locate(Optional.of(jar), Map.of("SPARK_HOME", home.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        SparkJob.Result result = job.run(Stage.BACKUP, Optional.of("local[2]"), Map.of("CXR_DATABASE_URL", "jdbc:postgresql://db/x_ray"),
                new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.runLine()).contains("backup run 7: FAILED {\"engine\":\"spark\"} the bucket is gone");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("backup run 7: FAILED {\"engine\":\"spark\"} the bucket is gone" + System.lineSeparator());
        assertThat(Files.readAllLines(seen)).containsExactly("--master local[2] --class org.cxr.spark.SparkStages " + jar + " backup",
                "jdbc:postgresql://db/x_ray");
    }

    @Test
    void whatIsMissingIsSaidInOneLine(@TempDir Path dir)
            throws Exception
    {
        assertThatThrownBy(() -> SparkJob.locate(Optional.of(dir.resolve("nothing.jar")), Map.of()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("No Spark job at " + dir.resolve("nothing.jar") + ": build it with");
        Path jar = Files.createFile(dir.resolve("cxr-spark.jar"));
        assertThatThrownBy(() -> SparkJob.locate(Optional.of(jar), Map.of()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("SPARK_HOME is not set, and " + dir + " has no spark-classpath.txt");
        assertThatThrownBy(() -> SparkJob.locate(Optional.of(jar), Map.of("SPARK_HOME", dir.toString())))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("which has no spark-submit in bin/");
    }

    @Test
    void theCommandLineRefusesAnUnknownEngineAMisplacedMasterAndAJobNotBuilt(@TempDir Path dir)
    {
        CommandLineTest.Run unknown = CommandLineTest.run("backup", "--engine", "hadoop");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("Invalid value for option '--engine': expected one of builtin, spark but was 'hadoop'", "Usage: cxr backup");

        CommandLineTest.Run master = CommandLineTest.run("warehouse", "--master", "local[2]");
        assertThat(master.exitCode()).isEqualTo(2);
        assertThat(master.err()).contains("--master is for --engine spark", "Usage: cxr warehouse");

        System.setProperty("cxr.data-directory", dir.resolve("data").toString());
        System.setProperty("cxr.spark.jar", dir.resolve("cxr-spark.jar").toString());
        CommandLineTest.Run missing = CommandLineTest.run("datamart", "--engine", "spark");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().lines()).containsExactly("cxr: No Spark job at " + dir.resolve("cxr-spark.jar")
                + ": build it with ./mvnw -B -DskipTests -pl spark -am package (./cxr does so itself for --engine spark), or set CXR_SPARK_JAR to cxr-spark.jar.");
        // Said before any server started.
        assertThat(dir.resolve("data")).doesNotExist();
    }

    /** A jar as the spark module builds it, with the class path and flag files beside it. */
    private static Path built(Path dir)
            throws Exception
    {
        String separator = System.getProperty("path.separator");
        Files.writeString(dir.resolve("spark-classpath.txt"), "/spark/a.jar" + separator + "/spark/b.jar\n");
        Files.writeString(dir.resolve("spark-shared-classpath.txt"), "/sdk/s3.jar");
        Files.writeString(dir.resolve("spark-jvm-flags.txt"), "-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED\n"
                + "-Djdk.reflect.useDirectMethodHandle=false\n");
        return Files.createFile(dir.resolve("cxr-spark.jar"));
    }

    /** A Spark installation whose spark-submit is this shell script. */
    private static Path sparkHome(Path dir, String script)
            throws Exception
    {
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
        Files.writeString(submit, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }
}
