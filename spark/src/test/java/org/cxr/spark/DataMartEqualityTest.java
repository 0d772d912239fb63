package org.cxr.spark;

import com.mongodb.client.MongoClient;
import org.cxr.backup.Backup;
import org.cxr.backup.BackupOptions;
import org.cxr.datamart.DataMartExport;
import org.cxr.datamart.DataMartOptions;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.cxr.lake.store.ObjectStore;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseOptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark data mart job, which builds the documents from the backup's Parquet files, against the single-machine
 * export ({@code ./cxr datamart}), which reads the warehouse, for the same lake, backup and warehouse: the same files in
 * the folder, the same COCO files of every split byte for byte (both told the same time, so {@code info.date_created}
 * too), the same image bytes, after the first export and after an incremental one; a job killed midway leaves the
 * previous files (or none) and converges on the same folder when run again.
 */
class DataMartEqualityTest
{
    /** What both engines are told the time is, the one thing in the files that depends on the run. */
    private static final Clock EXPORTED_AT = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final List<String> COCO_FILES = List.of("annotations/train.json", "annotations/val.json", "annotations/unreviewed.json",
            "predictions/train.json", "predictions/val.json");
    private static final Set<String> REVIEWED_SOURCES = Set.of("model-accepted", "model-corrected", "radiologist-added");

    private final SparkTestServers servers = SparkTestServers.get();

    @Test
    void sparkWritesTheFolderOfTheSingleMachineExportFromTheBackupOfTheSameLakeAndAKilledRunLeavesItAsItWas()
    {
        TestLake lake = servers.newLake("images-datamart-equal");
        Path single = servers.root().resolve("datamart-" + lake.name() + "-single");
        LakeContent.add(lake, 0);
        backUpAndWarehouse(lake);

        exportSingleMachine(lake, single);
        PipelineRun first = sparkRun(lake, JobFaults.NONE);

        assertThat(first.status()).as(first.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameFolder(single, spark(lake));
        assertLineage(spark(lake));
        // The turned JPEG is exported upright, beside its original.
        assertThat(files(spark(lake))).anyMatch(file -> file.endsWith(".upright.png")).anyMatch(file -> file.endsWith(".jpg"));
        assertThat(first.trigger()).isEqualTo(RecordedRun.TRIGGER);
        assertThat(first.detail().orElseThrow()).contains("\"engine\":\"spark\"").contains("\"directory\":\"" + spark(lake) + "\"")
                .contains("\"imagesAlreadyPresent\":0");

        // New uploads and late reviews, backed up and warehoused in a second run each: the backup has two manifests now.
        LakeContent.add(lake, 1);
        backUpAndWarehouse(lake);
        exportSingleMachine(lake, single);

        // Executors die once they have copied some of the new images: the first export's files stay as they were, whole.
        Map<String, JsonNode> before = cocoFiles(spark(lake));
        assertKilled(sparkRun(lake, new KillAtUpperHalf()));
        assertThat(cocoFiles(spark(lake))).isEqualTo(before);

        PipelineRun second = sparkRun(lake, JobFaults.NONE);
        assertThat(second.status()).as(second.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameFolder(single, spark(lake));
        assertLineage(spark(lake));
        assertThat(second.detail().orElseThrow()).doesNotContain("\"imagesAlreadyPresent\":0,");
        List<PipelineRun> runs = new PipelineRuns(lake.database(), Clock.systemUTC()).recent(Optional.of("datamart"), 10);
        assertThat(runs).extracting(PipelineRun::status).containsExactly(PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.SUCCEEDED);
        assertThat(runs).allSatisfy(run -> assertThat(run.trigger()).isEqualTo(RecordedRun.TRIGGER));
        assertThat(List.of(first, second)).allSatisfy(run -> assertThat(run.detail().orElseThrow()).contains("\"engine\":\"spark\""));
    }

    @Test
    void aJobKilledMidwayInTheFirstExportConvergesOnTheSameFolderWhenRunAgain()
    {
        TestLake lake = servers.newLake("images-datamart-killed");
        Path single = servers.root().resolve("datamart-" + lake.name() + "-single");
        LakeContent.add(lake, 0);
        backUpAndWarehouse(lake);
        exportSingleMachine(lake, single);

        // Executors die once they have copied the images of the lower half of the hashes: no COCO file is written.
        assertKilled(sparkRun(lake, new KillAtUpperHalf()));
        assertThat(files(spark(lake))).noneMatch(file -> file.endsWith(".json")).anyMatch(file -> file.startsWith("images/"));
        assertThat(images(spark(lake))).isLessThan(images(single));

        PipelineRun done = sparkRun(lake, JobFaults.NONE);
        assertThat(done.status()).as(done.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameFolder(single, spark(lake));
        assertThat(done.detail().orElseThrow()).doesNotContain("\"imagesAlreadyPresent\":0,");
    }

    /** A lost executor: a task dies after the first image whose hash is in the upper half is in the folder. */
    private static final class KillAtUpperHalf
            implements JobFaults
    {
        @Override
        public void afterImageCopy(String sha256)
        {
            if (sha256.compareTo("8") >= 0) {
                throw new IllegalStateException("executor killed after copying image " + sha256);
            }
        }
    }

    private static void assertKilled(PipelineRun run)
    {
        assertThat(run.status()).isEqualTo(PipelineRun.Status.FAILED);
        assertThat(run.trigger()).isEqualTo(RecordedRun.TRIGGER);
        assertThat(run.error().orElseThrow()).contains("executor killed");
    }

    /** The same file names, the same COCO files (compared as JSON first, for a readable difference), the same bytes of every file. */
    private static void assertSameFolder(Path expected, Path actual)
    {
        assertThat(files(actual)).containsExactlyElementsOf(files(expected));
        assertThat(files(expected)).containsAll(COCO_FILES);
        assertThat(cocoFiles(actual)).containsExactlyEntriesOf(cocoFiles(expected));
        for (String file : files(expected)) {
            assertThat(actual.resolve(file)).as(file).hasSameBinaryContentAs(expected.resolve(file));
        }
    }

    /** Each label and prediction says where it came from. */
    private static void assertLineage(Path folder)
    {
        Map<String, JsonNode> coco = cocoFiles(folder);
        List<JsonNode> labels = new ArrayList<>();
        for (String split : List.of("annotations/train.json", "annotations/val.json")) {
            assertThat(coco.get(split).get("images")).isNotEmpty().allSatisfy(image -> assertThat(fields(image))
                    .contains("id", "file_name", "width", "height", "sha256", "inference_id", "review_id", "reviewer", "reviewed_at", "no_findings"));
            coco.get(split).get("annotations").forEach(labels::add);
        }
        assertThat(labels).isNotEmpty().allSatisfy(label -> {
            assertThat(fields(label)).contains("id", "image_id", "category_id", "bbox", "area", "source", "predicted_box_id", "model", "inference_id", "review_id",
                    "reviewer", "reviewed_at");
            assertThat(REVIEWED_SOURCES).contains(label.get("source").asString());
            assertThat(fields(label.get("model"))).containsExactly("name", "version");
        });
        assertThat(labels.stream().map(label -> label.get("source").asString()).distinct()).containsExactlyInAnyOrderElementsOf(REVIEWED_SOURCES);
        // A label from a box of the model carries the box's id and score.
        assertThat(labels).filteredOn(label -> !label.get("predicted_box_id").isNull()).isNotEmpty()
                .allSatisfy(label -> assertThat(fields(label)).contains("model_score"));

        JsonNode unreviewed = coco.get("annotations/unreviewed.json");
        assertThat(unreviewed.get("images")).isNotEmpty().allSatisfy(image -> assertThat(fields(image)).contains("sha256", "inference_id", "split"));
        assertThat(unreviewed.get("annotations")).isNotEmpty().allSatisfy(prediction -> {
            assertThat(prediction.get("source").asString()).isEqualTo("model-prediction");
            assertThat(fields(prediction)).contains("score", "model", "thresholds", "inference_id");
        });
        assertThat(coco.get("predictions/train.json")).isNotEmpty()
                .allSatisfy(prediction -> assertThat(fields(prediction)).contains("image_id", "category_id", "bbox", "score", "predicted_box_id"));
    }

    private static List<String> fields(JsonNode node)
    {
        return new ArrayList<>(node.propertyNames());
    }

    private static Map<String, JsonNode> cocoFiles(Path folder)
    {
        Map<String, JsonNode> coco = new LinkedHashMap<>();
        for (String file : files(folder)) {
            if (file.endsWith(".json")) {
                try {
                    coco.put(file, JSON.readTree(Files.readAllBytes(folder.resolve(file))));
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return coco;
    }

    private static long images(Path folder)
    {
        return files(folder).stream().filter(file -> file.startsWith("images/")).count();
    }

    /** Every file under the folder, by its path relative to it, sorted. */
    private static List<String> files(Path folder)
    {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).map(file -> folder.relativize(file).toString().replace('\\', '/')).sorted().toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path spark(TestLake lake)
    {
        return lake.settings().dataMartDirectory();
    }

    /** The stages before the data mart, by the single machine: the backup Spark reads, the warehouse the export reads. */
    private static void backUpAndWarehouse(TestLake lake)
    {
        new Backup(lake.database(), lake.backups(), BackupOptions.defaults().withSettleDelay(lake.settings().settle()), Clock.systemUTC()).run();
        try (MongoClient client = WarehouseClients.create(lake.settings().warehouseConfig())) {
            new Warehouse(lake.database(), WarehouseClients.database(client, lake.settings().warehouseConfig()),
                    WarehouseOptions.defaults().withSettleDelay(lake.settings().settle()), Clock.systemUTC()).run();
        }
    }

    /** {@code ./cxr datamart}: the warehouse's documents exported with the options the Spark job is given. */
    private static void exportSingleMachine(TestLake lake, Path folder)
    {
        try (MongoClient client = WarehouseClients.create(lake.settings().warehouseConfig());
                S3Client s3 = ObjectStore.createClient(lake.settings().objectStoreConfig())) {
            new DataMartExport(WarehouseClients.database(client, lake.settings().warehouseConfig()).getCollection(DataMartExport.DEFAULT_COLLECTION), s3,
                    DataMartOptions.defaults().withTrainRatio(lake.settings().trainRatio()), EXPORTED_AT).run(folder);
        }
    }

    private PipelineRun sparkRun(TestLake lake, JobFaults faults)
    {
        return SparkStages.execute(SparkStages.Stage.DATAMART, servers.spark(), lake.settings(), lake.database(), EXPORTED_AT, faults);
    }
}
