package org.cxr.spark;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.cxr.lake.LakeCounts;
import org.cxr.lake.LakeRows;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseClients;
import org.cxr.warehouse.WarehouseOptions;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spark warehouse job against the single-machine warehouse stage, on two lakes holding the same rows, each run into
 * its own warehouse database: every document the same, whole (as extended JSON, field order and number widths
 * included), after the first run and after an incremental run over new inferences and late reviews; a job killed
 * midway, in its document pages or in its review pages, converges when run again with no inference or review twice.
 */
class WarehouseEqualityTest
{
    /** Small pages for the single machine, so its documents are built over several pages while Spark's are built whole. */
    private static final int SINGLE_MACHINE_PAGE_SIZE = 25;
    private static final JsonWriterSettings EXTENDED = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private final SparkTestServers servers = SparkTestServers.get();

    @Test
    void sparkWritesTheDocumentsOfTheSingleMachineStageAndAgainAfterNewInferencesAndLateReviews()
    {
        TestLake single = servers.newLake("images-warehouse-equal");
        TestLake spark = servers.newLake("images-warehouse-equal");
        LakeContent.add(single, 0);
        LakeContent.add(spark, 0);

        runSingleMachine(single);
        PipelineRun first = sparkRun(spark, JobFaults.NONE);

        assertThat(first.status()).as(first.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameWarehouse(single, spark);
        // Every inference and review of the lake is settled: the watermark is past them all.
        LakeCounts all = new LakeRows(spark.database()).counts();
        assertThat(inWarehouseRange(spark)).extracting(LakeCounts::inferences, LakeCounts::reviews).containsExactly(all.inferences(), all.reviews());
        assertThat(documents(spark)).anySatisfy(document -> assertThat(document).contains("\"reviewId\""));
        long firstInferences = inWarehouseRange(spark).inferences();

        // More uploads, reviews of the new inferences and late reviews of the first round's: the runs go on from the watermark.
        LakeContent.add(single, 1);
        LakeContent.add(spark, 1);
        runSingleMachine(single);
        PipelineRun second = sparkRun(spark, JobFaults.NONE);

        assertThat(second.status()).as(second.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameWarehouse(single, spark);
        assertThat(second.detail().orElseThrow()).contains("\"inferencesAppended\":" + (inWarehouseRange(spark).inferences() - firstInferences));

        // Both recorded in the lake's run history as the Spark engine's runs of the warehouse stage.
        List<PipelineRun> runs = new PipelineRuns(spark.database(), Clock.systemUTC()).recent(Optional.of(Warehouse.STAGE), 10);
        assertThat(runs).extracting(PipelineRun::id).containsExactly(second.id(), first.id());
        assertThat(runs).allSatisfy(run -> {
            assertThat(run.stage()).isEqualTo(Warehouse.STAGE);
            assertThat(run.trigger()).isEqualTo(RecordedRun.TRIGGER);
            assertThat(run.status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
            assertThat(run.finishedAt()).isPresent();
            assertThat(run.detail().orElseThrow()).contains("\"engine\":\"spark\"");
        });
        Watermark mark = new Watermarks(spark.database(), Clock.systemUTC()).read(Warehouse.STAGE);
        assertThat(second.detail().orElseThrow()).contains("\"watermarkInferenceId\":" + mark.inferenceId()).contains("\"watermarkReviewId\":" + mark.reviewId());
    }

    @Test
    void aJobKilledMidwayConvergesWhenRunAgainWithNoInferenceOrReviewTwice()
    {
        TestLake single = servers.newLake("images-warehouse-killed");
        TestLake spark = servers.newLake("images-warehouse-killed");
        LakeContent.add(single, 0);
        LakeContent.add(spark, 0);
        runSingleMachine(single);

        // Killed once a task has written a page of documents: failed, recorded, and the watermark where it was.
        PipelineRun killed = sparkRun(spark, new KillAfterDocumentPage());
        assertKilled(killed);
        assertThat(watermark(spark)).isEqualTo(Watermark.START);
        assertThat(documents(spark)).isNotEmpty();

        // Killed again, now in the review pages: the inferences are all in and passed, the reviews only partly.
        PipelineRun killedInReviews = sparkRun(spark, new KillAfterReviewPage());
        assertKilled(killedInReviews);
        assertThat(watermark(spark).inferenceId()).isEqualTo(watermark(single).inferenceId());
        assertThat(watermark(spark).reviewId()).isZero();

        PipelineRun done = sparkRun(spark, JobFaults.NONE);
        assertThat(done.status()).as(done.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameWarehouse(single, spark);

        // The next round killed the same two ways: new documents, inferences pushed into the first round's, reviews of both rounds.
        LakeContent.add(single, 1);
        LakeContent.add(spark, 1);
        runSingleMachine(single);
        assertKilled(sparkRun(spark, new KillAfterDocumentPage()));
        assertKilled(sparkRun(spark, new KillAfterReviewPage()));
        assertThat(sparkRun(spark, JobFaults.NONE).status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertSameWarehouse(single, spark);

        List<PipelineRun> runs = new PipelineRuns(spark.database(), Clock.systemUTC()).recent(Optional.of(Warehouse.STAGE), 10);
        assertThat(runs).extracting(PipelineRun::status).containsExactly(PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.FAILED,
                PipelineRun.Status.SUCCEEDED, PipelineRun.Status.FAILED, PipelineRun.Status.FAILED);
        assertThat(runs).allSatisfy(run -> assertThat(run.trigger()).isEqualTo(RecordedRun.TRIGGER));
    }

    /** A lost executor: its task dies right after its first page of documents is acknowledged. */
    private static final class KillAfterDocumentPage
            implements JobFaults
    {
        @Override
        public void afterWarehousePage(String firstImage)
        {
            throw new IllegalStateException("executor killed after writing the documents of a page from " + firstImage);
        }
    }

    /** As above, in the review pages: the document pages go through. */
    private static final class KillAfterReviewPage
            implements JobFaults
    {
        @Override
        public void afterWarehouseReviewPage(String firstImage)
        {
            throw new IllegalStateException("executor killed after writing the reviews of a page from " + firstImage);
        }
    }

    private static void assertKilled(PipelineRun run)
    {
        assertThat(run.status()).isEqualTo(PipelineRun.Status.FAILED);
        assertThat(run.trigger()).isEqualTo(RecordedRun.TRIGGER);
        assertThat(run.error().orElseThrow()).contains("executor killed");
    }

    /** The same documents, whole, in {@code _id} order; the same watermark; every row up to it there exactly once. */
    private void assertSameWarehouse(TestLake single, TestLake spark)
    {
        List<String> expected = documents(single);
        List<String> actual = documents(spark);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i)).isEqualTo(expected.get(i));
        }
        assertThat(watermark(spark)).isEqualTo(watermark(single));
        assertNothingTwice(spark);
        LakeCounts inRange = inWarehouseRange(spark);
        assertThat(count(spark, "inferences")).isEqualTo(inRange.inferences());
        assertThat(count(spark, "reviews")).isEqualTo(inRange.reviews());
        assertThat(actual).hasSize((int) inRange.imagesWithInferences());
    }

    private void assertNothingTwice(TestLake lake)
    {
        for (Document document : stored(lake)) {
            Set<Long> inferences = new HashSet<>();
            for (Document inference : document.getList("inferences", Document.class)) {
                assertThat(inferences.add(inference.getLong("inferenceId"))).as("inference %s in %s", inference.getLong("inferenceId"), document.get("_id")).isTrue();
                Set<Long> reviews = new HashSet<>();
                for (Document review : inference.getList("reviews", Document.class)) {
                    assertThat(reviews.add(review.getLong("reviewId"))).as("review %s in %s", review.getLong("reviewId"), document.get("_id")).isTrue();
                }
            }
        }
    }

    private long count(TestLake lake, String what)
    {
        long count = 0;
        for (Document document : stored(lake)) {
            for (Document inference : document.getList("inferences", Document.class)) {
                count += what.equals("inferences") ? 1 : inference.getList("reviews", Document.class).size();
            }
        }
        return count;
    }

    private static LakeCounts inWarehouseRange(TestLake lake)
    {
        return new LakeRows(lake.database()).countsUpTo(watermark(lake));
    }

    private static Watermark watermark(TestLake lake)
    {
        return new Watermarks(lake.database(), Clock.systemUTC()).read(Warehouse.STAGE);
    }

    /** Every document of the lake's warehouse database, in {@code _id} order, as extended JSON. */
    private static List<String> documents(TestLake lake)
    {
        try (MongoClient client = WarehouseClients.create(lake.settings().warehouseConfig())) {
            List<String> documents = new ArrayList<>();
            for (RawBsonDocument document : warehouse(client, lake).getCollection("images", RawBsonDocument.class).find().sort(Sorts.ascending("_id"))) {
                documents.add(document.toJson(EXTENDED));
            }
            return documents;
        }
    }

    private static List<Document> stored(TestLake lake)
    {
        try (MongoClient client = WarehouseClients.create(lake.settings().warehouseConfig())) {
            return warehouse(client, lake).getCollection("images").find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
        }
    }

    private static MongoDatabase warehouse(MongoClient client, TestLake lake)
    {
        return WarehouseClients.database(client, lake.settings().warehouseConfig());
    }

    /** The warehouse stage as the application runs it, into the lake's own warehouse database. */
    private static void runSingleMachine(TestLake lake)
    {
        try (MongoClient client = WarehouseClients.create(lake.settings().warehouseConfig())) {
            WarehouseOptions options = WarehouseOptions.defaults().withSettleDelay(lake.settings().settle()).withPageSize(SINGLE_MACHINE_PAGE_SIZE);
            new Warehouse(lake.database(), warehouse(client, lake), options, Clock.systemUTC()).run();
        }
    }

    private PipelineRun sparkRun(TestLake lake, JobFaults faults)
    {
        return SparkStages.execute(SparkStages.Stage.WAREHOUSE, servers.spark(), lake.settings(), lake.database(), Clock.systemUTC(), faults);
    }
}
