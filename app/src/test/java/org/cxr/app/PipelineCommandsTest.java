package org.cxr.app;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import org.cxr.app.pipeline.WarehouseConnection;
import org.cxr.detector.model.ModelFolder;
import org.cxr.detector.model.ModelManifest;
import org.cxr.lake.IngestResult;
import org.cxr.lake.NewInference;
import org.cxr.lake.Lake;
import org.cxr.lake.LakeTables;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.Upload;
import org.cxr.lake.sql.Database;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The pipeline commands on an embedded data directory, as an operator runs them one after another. */
class PipelineCommandsTest
{
    @AfterEach
    void clear()
    {
        for (String key : List.of("cxr.data-directory", "cxr.embedded.postgres-port", "cxr.embedded.s3-port",
                "cxr.pipelines.warehouse.embedded-port", "cxr.pipelines.settle")) {
            System.clearProperty(key);
        }
    }

    @Test
    void backupWarehouseDataMartAndReconcileFromTheCommandLine(@TempDir Path dir)
            throws Exception
    {
        System.setProperty("cxr.data-directory", dir.resolve("data").toString());
        System.setProperty("cxr.embedded.postgres-port", "0");
        System.setProperty("cxr.embedded.s3-port", "0");
        System.setProperty("cxr.pipelines.warehouse.embedded-port", "0");
        System.setProperty("cxr.pipelines.settle", "0s");
        long reviewed = PipelineCli.withContext(Map.of(), context -> {
            Lake lake = context.getBean(Lake.class);
            IngestResult first = null;
            for (int i = 0; i < 3; i++) {
                byte[] png = png(i);
                IngestResult ingested = lake.ingest(new Upload(png, "cli-" + i + ".png", MediaType.PNG, 64, 64), new NewInference(0.3, 0.5, "cxr-demo-phantom", "1.0.0", 12,
                        Optional.empty(), List.of(new PredictedBox(4, "Nodule/Mass", 0.9, 10, 10, 20, 22))));
                first = first == null ? ingested : first;
            }
            // A radiologist's review of the first: its box accepted, one added. The commands load no detector, so
            // the model is registered here, as a server does when it starts (a review is checked against its classes).
            ModelManifest demo = ModelFolder.open(TestModels.DEMO_MODEL).manifest();
            lake.registerModel(demo.name(), demo.version(), demo.classNames());
            long box = lake.inference(first.inferenceId()).orElseThrow().boxes().get(0).id();
            lake.review(new NewReview(first.inferenceId(), "rita", List.of(NewReviewBox.accepted(box), NewReviewBox.added(1, new NewReviewBox.Corners(30, 30, 40, 44))),
                    Optional.empty()), stored -> {});
            return first.inferenceId();
        });
        Path mart = dir.resolve("mart");

        CommandLineTest.Run backup = CommandLineTest.run("backup");
        CommandLineTest.Run warehouse = CommandLineTest.run("warehouse");
        CommandLineTest.Run datamart = CommandLineTest.run("datamart", "--out", mart.toString());
        CommandLineTest.Run reconcile = CommandLineTest.run("reconcile", "--datamart", mart.toString());

        assertThat(backup.exitCode()).as(backup.err()).isZero();
        assertThat(backup.out()).contains("backup run", "SUCCEEDED", "\"inferences\":3");
        assertThat(warehouse.exitCode()).as(warehouse.err()).isZero();
        assertThat(warehouse.out()).contains("\"inferencesAppended\":3");
        assertThat(datamart.exitCode()).as(datamart.err()).isZero();
        assertThat(mart.resolve("annotations/train.json")).isRegularFile();
        assertThat(reconcile.exitCode()).as(reconcile.out()).isZero();
        assertThat(reconcile.out()).contains("database: 3 images, 3 inferences, 3 predicted boxes, 1 reviews, 2 review boxes", "backup: 1 manifests, 3 images,",
                "1 reviews, 2 review boxes (watermark", "warehouse: 3 documents, 3 inferences, 3 boxes, 1 reviews, 2 review boxes", "No differences.");

        // A warehouse that lost a review it had taken is a difference; the warehouse copied again from the start has it back.
        PipelineCli.withContext(Map.of(), context -> context.getBean(WarehouseConnection.class).database().getCollection("images")
                .updateOne(Filters.eq("inferences.inferenceId", reviewed), Updates.set("inferences.$.reviews", List.of())));
        CommandLineTest.Run lostReview = CommandLineTest.run("reconcile", "--datamart", mart.toString());
        assertThat(lostReview.exitCode()).as(lostReview.out()).isEqualTo(1);
        assertThat(lostReview.out()).contains("DIFFERENCE: warehouse: 1 reviews missing", "DIFFERENCE: warehouse: 2 review boxes missing");
        PipelineCli.withContext(Map.of(), context -> new LakeTables(context.getBean(Database.class)).forgetWatermark("warehouse"));
        CommandLineTest.Run copiedAgain = CommandLineTest.run("warehouse");
        assertThat(copiedAgain.exitCode()).as(copiedAgain.err()).isZero();
        assertThat(CommandLineTest.run("reconcile", "--datamart", mart.toString()).out()).contains("No differences.");

        // A data mart that lost its annotations is a difference, and reconcile says so with a non-zero status.
        Files.delete(mart.resolve("annotations/val.json"));
        CommandLineTest.Run broken = CommandLineTest.run("reconcile", "--datamart", mart.toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.out()).contains("DIFFERENCE: data mart");

        // Purge what is backed up and in the warehouse; the backup still holds it, which is a note, not a difference.
        CommandLineTest.Run purge = CommandLineTest.run("backup", "--purge-older-than", "0d");
        assertThat(purge.exitCode()).as(purge.err()).isZero();
        // Image rows stay: the warehouse tracks inferences only, and purge deletes no more than every stage has taken.
        assertThat(purge.out()).contains("purge: 3 inferences, 3 predicted boxes, 0 images deleted");
        CommandLineTest.run("datamart", "--out", mart.toString());
        CommandLineTest.Run afterPurge = CommandLineTest.run("reconcile", "--datamart", mart.toString());
        assertThat(afterPurge.out()).contains("database: 3 images, 0 inferences", "note: backup holds 3 inferences no longer in the database",
                "note: backup holds 1 reviews no longer in the database");
        assertThat(afterPurge.exitCode()).as(afterPurge.out()).isZero();

        CommandLineTest.Run badAge = CommandLineTest.run("backup", "--purge-older-than", "soon");
        assertThat(badAge.exitCode()).isEqualTo(2);
        assertThat(badAge.err()).contains("'soon' is not an age");
    }

    private static byte[] png(int i)
    {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(i, 0, 0, 200);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            javax.imageio.ImageIO.write(image, "png", out);
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

}
