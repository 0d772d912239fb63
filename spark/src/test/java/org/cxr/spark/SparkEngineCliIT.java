package org.cxr.spark;

import org.cxr.lake.IngestResult;
import org.cxr.lake.Lake;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewInference;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.Upload;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark engine of the command line end to end, as an operator on a fresh checkout runs it: {@code cxr.jar} (the
 * app module's, which the reactor builds before this module, see the pom) runs backup, warehouse and data mart as the
 * jobs of this module's {@code cxr-spark.jar} (built in the package phase, before this test) without a Spark
 * installation, on a fresh embedded data directory with synthetic uploads; each run is recorded, and reconcile finds
 * the layers the jobs wrote in agreement. The application resolves the jar itself, from where it runs.
 */
class SparkEngineCliIT
{
    private static final Path CXR_JAR = Path.of("..", "app", "target", "cxr.jar").toAbsolutePath().normalize();
    private static final Path SPARK_JAR = Path.of("target", "cxr-spark.jar").toAbsolutePath();
    private static final int UPLOADS = 4;

    /** One command's end: its exit status, standard output and standard error. */
    private record Run(int exitCode, String out, String err) {}

    @Test
    void backupWarehouseAndDataMartRunAsSparkJobsAndReconcileIsClean(@TempDir Path dir)
            throws Exception
    {
        assertThat(CXR_JAR).as("the application, which the app module builds before this module").isRegularFile();
        assertThat(SPARK_JAR).as("the job, which this module builds before its integration tests").isRegularFile();
        Path data = dir.resolve("data");

        // The application makes the data directory: embedded servers, schema, bucket. Then phantoms are uploaded.
        Run made = cxr(data, "sweep");
        assertThat(made.exitCode()).as(made.err()).isZero();
        Run synth = cxr(data, "synth", "--count", Integer.toString(UPLOADS), "--seed", "14", "--out", dir.resolve("phantoms").toString());
        assertThat(synth.exitCode()).as(synth.err()).isZero();
        upload(data, dir.resolve("phantoms"));

        Run backup = cxr(data, "backup", "--engine", "spark", "--master", "local[2]");
        Run warehouse = cxr(data, "warehouse", "--engine", "spark", "--master", "local[2]");
        Run datamart = cxr(data, "datamart", "--engine", "spark", "--master", "local[2]");

        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.err()).contains("cxr: running backup as the Spark job in " + SPARK_JAR + " on local[2]...");
        assertThat(backup.out()).startsWith("backup run ").contains(": SUCCEEDED {\"engine\":\"spark\"", "\"inferences\":" + UPLOADS, "\"reviews\":1");
        assertThat(warehouse.exitCode()).as(warehouse.err()).isZero();
        assertThat(warehouse.out()).startsWith("warehouse run ").contains(": SUCCEEDED {\"engine\":\"spark\"", "\"inferencesAppended\":" + UPLOADS,
                "\"reviewsAppended\":1");
        assertThat(datamart.exitCode()).as(datamart.err()).isZero();
        assertThat(datamart.out()).startsWith("datamart run ").contains(": SUCCEEDED {\"engine\":\"spark\"", "\"directory\":\"" + data.resolve("datamart") + "\"");
        assertThat(data.resolve("datamart/annotations/train.json")).isRegularFile();

        List<PipelineRun> runs = withLake(data, (database, lake) -> new PipelineRuns(database, Clock.systemUTC()).recent(Optional.empty(), 10));
        assertThat(runs).extracting(PipelineRun::stage).containsExactlyInAnyOrder("backup", "warehouse", "datamart");
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
            assertThat(run.detail()).hasValueSatisfying(detail -> assertThat(detail).startsWith("{\"engine\":\"spark\""));
        });

        Run reconcile = cxr(data, "reconcile");
        assertThat(reconcile.exitCode()).as(reconcile.out() + reconcile.err()).isZero();
        assertThat(reconcile.out()).contains("database: " + UPLOADS + " images, " + UPLOADS + " inferences", "backup: 1 manifests, " + UPLOADS + " images",
                "warehouse: " + UPLOADS + " documents, " + UPLOADS + " inferences", "1 reviews", "No differences.");
    }

    /**
     * The phantoms as uploads, each with its true boxes as the demo model's findings (this is about the pipelines,
     * not the detector; the pipeline commands load no model), and a radiologist's review of the first with a
     * finding: its first box accepted, any other rejected, one added. Written through the lake, on the data directory's own embedded servers.
     */
    private static void upload(Path data, Path phantoms)
            throws IOException
    {
        JsonNode coco = JsonMapper.builder().build().readTree(phantoms.resolve("annotations.json").toFile());
        List<String> classes = new ArrayList<>();
        coco.get("categories").forEach(category -> classes.add(category.get("name").asString()));
        withLake(data, (database, lake) -> {
            lake.registerModel("cxr-demo-phantom", "1.0.0", classes);
            IngestResult reviewed = null;
            for (JsonNode image : coco.get("images")) {
                List<PredictedBox> boxes = new ArrayList<>();
                for (JsonNode annotation : coco.get("annotations")) {
                    if (annotation.get("image_id").asLong() == image.get("id").asLong()) {
                        JsonNode bbox = annotation.get("bbox");
                        int classId = annotation.get("category_id").asInt() - 1;
                        double x = bbox.get(0).asDouble();
                        double y = bbox.get(1).asDouble();
                        boxes.add(new PredictedBox(classId, classes.get(classId), 0.9, x, y, x + bbox.get(2).asDouble(), y + bbox.get(3).asDouble()));
                    }
                }
                byte[] png = read(phantoms.resolve(image.get("file_name").asString()));
                IngestResult ingested = lake.ingest(new Upload(png, Path.of(image.get("file_name").asString()).getFileName().toString(), MediaType.PNG,
                        image.get("width").asInt(), image.get("height").asInt()), new NewInference(0.4, 0.5, "cxr-demo-phantom", "1.0.0", 20, Optional.empty(), boxes));
                reviewed = reviewed == null && !boxes.isEmpty() ? ingested : reviewed;
            }
            assertThat(reviewed).as("a phantom with a finding").isNotNull();
            List<NewReviewBox> decisions = new ArrayList<>();
            for (var box : lake.inference(reviewed.inferenceId()).orElseThrow().boxes()) {
                decisions.add(decisions.isEmpty() ? NewReviewBox.accepted(box.id()) : NewReviewBox.rejected(box.id()));
            }
            decisions.add(NewReviewBox.added(1, new NewReviewBox.Corners(300, 400, 700, 800)));
            lake.review(new NewReview(reviewed.inferenceId(), "rita", decisions, Optional.empty()), stored -> {});
            return null;
        });
    }

    private interface LakeWork<T>
    {
        T apply(Database database, Lake lake);
    }

    /** The data directory's embedded PostgreSQL and S3 server, started here while no command runs on them. */
    private static <T> T withLake(Path data, LakeWork<T> work)
    {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(data.resolve("postgres").toAbsolutePath(), 0);
                EmbeddedS3 s3 = EmbeddedS3.start(data.resolve("s3"), 0);
                Database database = Database.connect(postgres.databaseConfig());
                ObjectStore store = ObjectStore.create(s3.config("cxr-images"))) {
            return work.apply(database, new Lake(database, store));
        }
    }

    /**
     * {@code java -jar cxr.jar ARGS} on the data directory, all embedded servers on free ports, no settle delay; none
     * of the caller's cxr or Spark settings (a developer's CXR_DATABASE_URL or SPARK_HOME), so the job starts without
     * a Spark installation.
     */
    private static Run cxr(Path data, String... args)
            throws IOException, InterruptedException
    {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", CXR_JAR.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(data.getParent(), "out-", ".txt");
        Path err = Files.createTempFile(data.getParent(), "err-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(name -> name.startsWith("CXR_") || name.startsWith("SPARK_"));
        environment.putAll(Map.of("CXR_DATA_DIR", data.toString(), "CXR_EMBEDDED_POSTGRES_PORT", "0", "CXR_EMBEDDED_S3_PORT", "0",
                "CXR_EMBEDDED_WAREHOUSE_PORT", "0", "CXR_PIPELINE_SETTLE", "0s", "ORT_DISABLE_TELEMETRY", "1"));
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("cxr " + String.join(" ", args) + " did not end within 5 minutes: " + Files.readString(err));
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static byte[] read(Path file)
    {
        try {
            return Files.readAllBytes(file);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
