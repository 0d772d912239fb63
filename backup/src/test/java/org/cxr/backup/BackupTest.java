package org.cxr.backup;

import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.schema.MessageType;
import org.cxr.lake.ContentHash;
import org.cxr.lake.IngestResult;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.StoredReview;
import org.cxr.lake.Upload;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.sql.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cxr.backup.TestLake.box;

class BackupTest
{
    private static final String FIRST_RUN = "000000000000-000000000000";

    @RegisterExtension
    static final TestServers servers = TestServers.postgres();

    private final TestLake lake = servers.newLake();

    @Test
    void backsUpEachTableAndTheDetectionsJoinAsParquetPartitionedByIngestDate()
    {
        byte[] reuploaded = TestLake.uniquePng();
        IngestResult first = lake.ingest("2030-03-01T10:00:00Z", reuploaded, box(1, 0.91), box(4, 0.62));
        IngestResult nothingFound = lake.ingest("2030-03-01T23:59:59.999999Z", TestLake.uniquePng(), "empty.png", Optional.empty());
        IngestResult again = lake.ingest("2030-03-02T09:00:00Z", reuploaded, box(2, 0.7));
        IngestResult third = lake.ingest("2030-03-02T10:00:00Z", box(0, 0.55));

        BackupResult result = lake.backupAt("2030-03-02T12:00:00Z");

        assertThat(result.runId()).contains(FIRST_RUN);
        assertThat(result.from()).isEqualTo(Watermark.START);
        assertThat(result.to()).isEqualTo(new Watermark(third.imageId(), third.inferenceId(), 0));
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(result.to());
        assertThat(result.rows()).isEqualTo(new DatasetCounts(3, 4, 4, 5, 0, 0, 0));
        assertThat(lake.dataKeys()).containsExactlyInAnyOrder(
                "backups/images/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/images/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/inferences/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/inferences/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/predicted_boxes/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/predicted_boxes/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/detections/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/detections/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet");
        assertThat(result.files()).isEqualTo(8);
        assertThat(result.manifestKey()).contains("backups/manifests/run-" + FIRST_RUN + ".json");
        // Plans exist only while a run is unfinished.
        assertThat(lake.keys("backups/plans/")).isEmpty();

        // The image uploaded again on the second day stays in the partition of the day it was first seen.
        assertThat(ids(lake.records("backups/images/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet"), "id"))
                .containsExactly(first.imageId(), nothingFound.imageId());
        assertThat(ids(lake.records("backups/inferences/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet"), "id"))
                .containsExactly(again.inferenceId(), third.inferenceId());

        GenericRecord image = lake.records("backups/images/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet").get(0);
        Map<String, Object> imageRow = lake.rows("image").get(2);
        assertThat(image.get("id")).isEqualTo(imageRow.get("id"));
        assertThat(image.get("sha256").toString()).isEqualTo(imageRow.get("sha256"));
        assertThat(image.get("bucket").toString()).isEqualTo(lake.store.bucket());
        assertThat(image.get("object_key").toString()).isEqualTo(third.objectKey());
        assertThat(image.get("original_file_name").toString()).isEqualTo("chest \"front\" 'ß' ✓.png");
        assertThat(image.get("media_type").toString()).isEqualTo("image/png");
        assertThat(image.get("width")).isEqualTo(512);
        assertThat(image.get("height")).isEqualTo(384);
        assertThat(image.get("size_bytes")).isEqualTo(300L);
        assertThat(AvroRows.instant((Long) image.get("first_seen"))).isEqualTo(Instant.parse("2030-03-02T10:00:00Z"));

        List<GenericRecord> detections = lake.records("backups/detections/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet");
        assertThat(detections).extracting(record -> record.get("inference_id")).containsExactly(first.inferenceId(), first.inferenceId(), nothingFound.inferenceId());
        assertThat(detections).extracting(record -> String.valueOf(record.get("class_name"))).containsExactly("Cardiomegaly", "Nodule/Mass", "null");
        GenericRecord withoutBoxes = detections.get(2);
        for (String boxColumn : List.of("box_id", "class_id", "class_name", "score", "x_min", "y_min", "x_max", "y_max", "user_name")) {
            assertThat(withoutBoxes.get(boxColumn)).as(boxColumn).isNull();
        }
        assertThat(withoutBoxes.get("image_sha256").toString()).isEqualTo(nothingFound.sha256());
        assertThat(AvroRows.instant((Long) withoutBoxes.get("created_at"))).isEqualTo(Instant.parse("2030-03-01T23:59:59.999999Z"));

        List<GenericRecord> boxes = lake.backedUp(Dataset.PREDICTED_BOXES);
        assertThat(boxes).extracting(record -> record.get("inference_id"))
                .containsExactly(first.inferenceId(), first.inferenceId(), again.inferenceId(), third.inferenceId());
        assertThat(boxes.get(0).get("score")).isEqualTo(0.91);
        assertThat(boxes.get(0).get("x_min")).isEqualTo(11.5);
        assertThat(boxes.get(0).get("y_max")).isEqualTo(220.91);
    }

    @Test
    void theFilesHaveTheTablesColumnsWithUtcMicrosecondTimestampsAndZstdCompression()
            throws Exception
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-03-01T10:00:00Z");

        MessageType images = schema("backups/images/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet");
        assertThat(images.toString()).contains(
                "required int64 id;",
                "required binary sha256 (STRING);",
                "required binary original_file_name (STRING);",
                "required int32 width;",
                "required int64 size_bytes;",
                "required int64 first_seen (TIMESTAMP(MICROS,true));");
        assertThat(images.getFieldCount()).isEqualTo(10);
        MessageType inferences = schema("backups/inferences/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet");
        assertThat(inferences.toString()).contains("required int64 image_id;", "required int64 created_at (TIMESTAMP(MICROS,true));", "required double nms_iou_threshold;",
                "optional binary user_name (STRING);");
        assertThat(inferences.getFieldCount()).isEqualTo(9);
        assertThat(schema("backups/predicted_boxes/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet").getFieldCount()).isEqualTo(9);
        MessageType detections = schema("backups/detections/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet");
        assertThat(detections.toString()).contains("optional int64 box_id;", "optional double score;", "required binary image_sha256 (STRING);");
        assertThat(detections.getFieldCount()).isEqualTo(26);

        try (ParquetFileReader reader = open("backups/images/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet")) {
            assertThat(reader.getRowGroups().get(0).getColumns().get(0).getCodec().name()).isEqualTo("ZSTD");
        }
    }

    @Test
    void aSecondRunBacksUpOnlyWhatIsNewAndARunWithNothingNewWritesNothing()
    {
        byte[] png = TestLake.uniquePng();
        IngestResult first = lake.ingest("2030-03-01T10:00:00Z", png, box(1, 0.9));
        lake.ingest("2030-03-01T11:00:00Z", box(2, 0.8));
        BackupResult firstRun = lake.backupAt("2030-03-01T12:00:00Z");

        IngestResult reupload = lake.ingest("2030-03-01T13:00:00Z", png, box(3, 0.7), box(4, 0.6));
        IngestResult newImage = lake.ingest("2030-03-02T08:00:00Z");
        List<String> keysBefore = lake.dataKeys();
        BackupResult secondRun = lake.backupAt("2030-03-02T09:00:00Z");

        assertThat(secondRun.from()).isEqualTo(firstRun.to());
        assertThat(secondRun.to()).isEqualTo(new Watermark(newImage.imageId(), newImage.inferenceId(), 0));
        assertThat(secondRun.rows()).isEqualTo(new DatasetCounts(1, 2, 2, 3, 0, 0, 0));
        String secondRunId = BackupLayout.runId(firstRun.to());
        assertThat(secondRun.runId()).contains(secondRunId);
        assertThat(lake.dataKeys()).containsAll(keysBefore).hasSize(keysBefore.size() + 6);
        assertThat(lake.dataKeys()).filteredOn(key -> key.contains(secondRunId)).containsExactlyInAnyOrder(
                "backups/images/ingest_date=2030-03-02/run-" + secondRunId + "-part-00000.parquet",
                "backups/inferences/ingest_date=2030-03-01/run-" + secondRunId + "-part-00000.parquet",
                "backups/inferences/ingest_date=2030-03-02/run-" + secondRunId + "-part-00000.parquet",
                "backups/predicted_boxes/ingest_date=2030-03-01/run-" + secondRunId + "-part-00000.parquet",
                "backups/detections/ingest_date=2030-03-01/run-" + secondRunId + "-part-00000.parquet",
                "backups/detections/ingest_date=2030-03-02/run-" + secondRunId + "-part-00000.parquet");
        assertThat(lake.backedUpIds(Dataset.INFERENCES, "id")).containsExactly(first.inferenceId(), first.inferenceId() + 1, reupload.inferenceId(), newImage.inferenceId());
        assertThat(lake.backedUpIds(Dataset.IMAGES, "id")).isEqualTo(lake.ids("image"));
        assertThat(lake.backedUpIds(Dataset.PREDICTED_BOXES, "id")).isEqualTo(lake.ids("predicted_box"));

        List<String> everythingBefore = lake.keys("backups/");
        BackupResult nothingNew = lake.backupAt("2030-03-09T00:00:00Z");

        assertThat(nothingNew.runId()).isEmpty();
        assertThat(nothingNew.files()).isZero();
        assertThat(nothingNew.rows()).isEqualTo(DatasetCounts.NONE);
        assertThat(nothingNew.to()).isEqualTo(secondRun.to());
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(secondRun.to());
        assertThat(lake.keys("backups/")).isEqualTo(everythingBefore);
    }

    @Test
    void theManifestListsEveryFileWithItsSizeRowCountAndChecksum()
            throws Exception
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9), box(2, 0.8));
        lake.ingest("2030-03-02T10:00:00Z");
        BackupResult result = lake.backupAt("2030-03-02T10:00:00Z");

        byte[] json = lake.store.get("backups/manifests/run-" + FIRST_RUN + ".json").orElseThrow();
        assertThat(new String(json, StandardCharsets.UTF_8)).contains(
                "\"runId\" : \"" + FIRST_RUN + "\"",
                "\"createdAt\" : \"2030-03-02T10:00:01Z\"",
                "\"watermarkFrom\" : {",
                "\"ingestDate\" : \"2030-03-01\"",
                "\"dataset\" : \"predicted_boxes\"");
        Manifest manifest = lake.manifests().get(0);
        assertThat(manifest.runId()).isEqualTo(FIRST_RUN);
        assertThat(manifest.createdAt()).isEqualTo(Instant.parse("2030-03-02T10:00:01Z"));
        assertThat(manifest.watermarkFrom()).isEqualTo(Watermark.START);
        assertThat(manifest.watermarkTo()).isEqualTo(result.to());
        assertThat(manifest.rows()).isEqualTo(result.rows());
        assertThat(manifest.files()).extracting(ManifestFile::key).containsExactlyInAnyOrderElementsOf(lake.dataKeys());
        for (ManifestFile file : manifest.files()) {
            byte[] bytes = lake.store.get(file.key()).orElseThrow();
            assertThat(file.sizeBytes()).as(file.key()).isEqualTo(bytes.length);
            assertThat(file.sha256()).as(file.key()).isEqualTo(ContentHash.sha256(bytes));
            assertThat(file.rows()).as(file.key()).isEqualTo(lake.records(file.key()).size());
            assertThat(file.key()).contains("/" + file.dataset().directory() + "/ingest_date=" + file.ingestDate().orElseThrow() + "/");
        }
        assertThat(manifest.files(Dataset.DETECTIONS)).extracting(ManifestFile::rows).containsExactly(2L, 1L);
        assertThat(result.bytes()).isEqualTo(manifest.sizeBytes());
    }

    @Test
    void rowsYoungerThanTheSettleDelayWaitSoThatATransactionCommittingOutOfIdOrderIsNotSkipped()
            throws Exception
    {
        BackupOptions config = TestLake.OPTIONS.withSettleDelay(Duration.ofSeconds(60));
        // An upload whose transaction takes the lower ids and is still open while a later upload commits.
        CompletableFuture<IngestResult> slowRows = new CompletableFuture<>();
        CountDownLatch commitSlow = new CountDownLatch(1);
        lake.clock.set("2030-03-01T10:00:00Z");
        CompletableFuture<IngestResult> slow = CompletableFuture.supplyAsync(() -> lake.lake.ingest(
                new Upload(TestLake.uniquePng(), "slow.png", MediaType.PNG, 1, 1), lake.inference(), written -> {
                    slowRows.complete(written);
                    try {
                        commitSlow.await();
                    }
                    catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
        long slowInferenceId = slowRows.get(30, TimeUnit.SECONDS).inferenceId();
        IngestResult fast = lake.ingest("2030-03-01T10:00:01Z", box(0, 0.9));
        assertThat(fast.inferenceId()).isGreaterThan(slowInferenceId);

        lake.clock.set("2030-03-01T10:00:30Z");
        BackupResult tooEarly = lake.backup(config, Faults.NONE).run();

        assertThat(tooEarly.runId()).isEmpty();
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(Watermark.START);
        commitSlow.countDown();
        slow.get(30, TimeUnit.SECONDS);

        lake.clock.set("2030-03-01T10:02:00Z");
        BackupResult later = lake.backup(config, Faults.NONE).run();

        assertThat(later.rows().inferences()).isEqualTo(2);
        assertThat(lake.backedUpIds(Dataset.INFERENCES, "id")).containsExactly(slowInferenceId, slowInferenceId + 1);
    }

    @Test
    void aRangeEndsBeforeTheFirstRowThatIsTooYoungEvenIfLaterIdsAreOldEnough()
    {
        BackupOptions config = TestLake.OPTIONS.withSettleDelay(Duration.ofSeconds(60));
        // Two application instances whose clocks disagree: the lower id carries the later time.
        IngestResult young = lake.ingest("2030-03-01T10:00:30Z", box(0, 0.9));
        IngestResult old = lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));

        lake.clock.set("2030-03-01T10:01:15Z");
        BackupResult first = lake.backup(config, Faults.NONE).run();

        assertThat(first.runId()).isEmpty();
        lake.clock.set("2030-03-01T10:01:31Z");
        BackupResult second = lake.backup(config, Faults.NONE).run();

        assertThat(second.to()).isEqualTo(new Watermark(old.imageId(), old.inferenceId(), 0));
        assertThat(lake.backedUpIds(Dataset.INFERENCES, "id")).containsExactly(young.inferenceId(), old.inferenceId());
    }

    @Test
    void pagesThroughTheRowsAndSplitsAPartitionIntoPartsOfBoundedSize()
    {
        List<Long> inferenceIds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            inferenceIds.add(lake.ingest("2030-03-01T10:00:0" + i + "Z", box(i % 5, 0.5)).inferenceId());
        }
        lake.clock.set("2030-03-01T11:00:00Z");
        BackupResult result = lake.backup(TestLake.OPTIONS.withPageSize(2).withMaxRowsPerFile(3), Faults.NONE).run();

        assertThat(result.rows()).isEqualTo(new DatasetCounts(7, 7, 7, 7, 0, 0, 0));
        assertThat(lake.dataKeys()).filteredOn(key -> key.startsWith("backups/inferences/")).containsExactly(
                "backups/inferences/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet",
                "backups/inferences/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00001.parquet",
                "backups/inferences/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00002.parquet");
        assertThat(lake.manifests().get(0).files(Dataset.INFERENCES)).extracting(ManifestFile::rows).containsExactly(3L, 3L, 1L);
        assertThat(lake.backedUpIds(Dataset.INFERENCES, "id")).isEqualTo(inferenceIds);
        assertThat(lake.backedUpIds(Dataset.DETECTIONS, "box_id")).isEqualTo(lake.ids("predicted_box"));
    }

    @Test
    void aCorruptedFileFailsVerificationAndTheWatermarkStaysUntilARunSucceeds()
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.ingest("2030-03-02T10:00:00Z", box(2, 0.9));
        lake.clock.set("2030-03-02T11:00:00Z");
        String victim = "backups/predicted_boxes/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet";
        Faults corruptOneFile = new Faults()
        {
            @Override
            public void beforeVerification(Manifest manifest)
            {
                byte[] bytes = lake.store.get(victim).orElseThrow();
                bytes[bytes.length / 2] ^= 0x5a;
                lake.store.put(victim, bytes, "application/octet-stream");
            }
        };

        assertThatThrownBy(() -> lake.backup(TestLake.OPTIONS, corruptOneFile).run())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("failed verification")
                .hasMessageContaining(victim + " has SHA-256");
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(Watermark.START);
        assertThat(lake.manifests()).isEmpty();

        BackupResult retry = lake.backup().run();

        assertThat(retry.runId()).contains(FIRST_RUN);
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(retry.to());
        lake.assertBackupHoldsEveryRowOnce();
        assertThat(new BackupVerifier(lake.store).problems(lake.manifests().get(0))).isEmpty();
    }

    @Test
    void theFilesAreTheSameWhetherTheDatesAreWrittenOneAtATimeOrSideBySide()
    {
        for (int day = 1; day <= 5; day++) {
            for (int hour = 10; hour < 14; hour++) {
                IngestResult stored = lake.ingest("2030-03-0" + day + "T" + hour + ":00:00Z", box(day % 5, 0.9), box(hour % 5, 0.6));
                if (hour % 2 == 0) {
                    List<Long> boxes = lake.boxIds(stored.inferenceId());
                    lake.review("2030-03-0" + day + "T" + hour + ":30:00Z", stored.inferenceId(), Optional.empty(),
                            NewReviewBox.accepted(boxes.get(0)), NewReviewBox.rejected(boxes.get(1)));
                }
            }
        }
        lake.clock.set("2030-03-06T00:00:00Z");

        lake.backup(TestLake.OPTIONS.withPrefix("one-at-a-time/").withWriters(1), Faults.NONE).run();
        // Test only: the watermark goes back to the start, so that the same range is backed up again elsewhere.
        lake.database.jdbc().sql("DELETE FROM pipeline_watermark WHERE stage = ?").params(Backup.STAGE).update();
        lake.backup(TestLake.OPTIONS.withPrefix("side-by-side/").withWriters(4), Faults.NONE).run();

        List<ManifestFile> oneAtATime = onlyManifest("one-at-a-time/").files();
        List<ManifestFile> sideBySide = onlyManifest("side-by-side/").files();
        assertThat(oneAtATime).hasSize(5 * 6 + 1);
        assertThat(sideBySide).map(file -> file.key().substring("side-by-side/".length()))
                .containsExactlyElementsOf(oneAtATime.stream().map(file -> file.key().substring("one-at-a-time/".length())).toList());
        assertThat(sideBySide).map(ManifestFile::sha256).containsExactlyElementsOf(oneAtATime.stream().map(ManifestFile::sha256).toList());
        assertThat(sideBySide).map(ManifestFile::rows).containsExactlyElementsOf(oneAtATime.stream().map(ManifestFile::rows).toList());
    }

    private Manifest onlyManifest(String prefix)
    {
        List<Manifest> manifests = new BackupCatalog(lake.store, TestLake.OPTIONS.withPrefix(prefix)).manifests();
        assertThat(manifests).hasSize(1);
        return manifests.get(0);
    }

    @Test
    void aRunThatLosesS3HalfwayConvergesWhenRunAgainWithNothingDuplicatedOrLost()
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.ingest("2030-03-01T11:00:00Z");
        lake.ingest("2030-03-02T10:00:00Z", box(2, 0.9), box(3, 0.8));
        lake.clock.set("2030-03-02T11:00:00Z");
        AtomicInteger uploaded = new AtomicInteger();
        Faults outageAfterThreeFiles = new Faults()
        {
            @Override
            public void afterDataFileUploaded(String key)
            {
                if (uploaded.incrementAndGet() == 3) {
                    servers.stopS3();
                }
            }
        };

        try {
            assertThatThrownBy(() -> lake.backup(TestLake.OPTIONS, outageAfterThreeFiles).run()).isInstanceOf(RuntimeException.class);
        }
        finally {
            servers.restartS3();
        }
        // Dates are written side by side: another may have uploaded a file while the third one stopped S3.
        assertThat(uploaded).hasValueGreaterThanOrEqualTo(3);
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(Watermark.START);
        assertThat(lake.manifests()).isEmpty();
        assertThat(lake.keys("backups/plans/")).containsExactly("backups/plans/run-" + FIRST_RUN + ".json");
        // New rows while the backup is down belong to the next run, not to the retry of this one.
        IngestResult meanwhile = lake.ingest("2030-03-02T11:30:00Z", box(4, 0.5));
        lake.clock.set("2030-03-02T12:00:00Z");

        BackupResult retry = lake.backup().run();

        assertThat(retry.runId()).contains(FIRST_RUN);
        assertThat(retry.to().inferenceId()).isEqualTo(meanwhile.inferenceId() - 1);
        assertThat(retry.files()).isEqualTo(8);
        assertThat(lake.keys("backups/plans/")).isEmpty();
        BackupResult next = lake.backup().run();
        assertThat(next.rows()).isEqualTo(new DatasetCounts(1, 1, 1, 1, 0, 0, 0));
        lake.assertBackupHoldsEveryRowOnce();
    }

    @Test
    void aCrashAfterTheManifestIsStoredIsFinishedByTheNextRunWithoutWritingAgain()
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.clock.set("2030-03-01T11:00:00Z");
        Faults crashBeforeWatermark = new Faults()
        {
            @Override
            public void beforeWatermark(Manifest manifest)
            {
                throw new IllegalStateException("the process died");
            }
        };

        assertThatThrownBy(() -> lake.backup(TestLake.OPTIONS, crashBeforeWatermark).run()).hasMessage("the process died");
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(Watermark.START);
        assertThat(lake.manifests()).hasSize(1);

        AtomicInteger uploads = new AtomicInteger();
        BackupResult resumed = lake.backup(TestLake.OPTIONS, new Faults()
        {
            @Override
            public void afterDataFileUploaded(String key)
            {
                uploads.incrementAndGet();
            }
        }).run();

        assertThat(resumed.resumed()).isTrue();
        assertThat(uploads).hasValue(0);
        assertThat(resumed.rows()).isEqualTo(new DatasetCounts(1, 1, 1, 1, 0, 0, 0));
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(resumed.to());
        assertThat(lake.keys("backups/plans/")).isEmpty();
        lake.assertBackupHoldsEveryRowOnce();
    }

    @Test
    void aStoredRunWhoseFilesNoLongerMatchTheirManifestIsBackedUpAgainBeforeTheWatermarkMoves()
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.clock.set("2030-03-01T11:00:00Z");
        assertThatThrownBy(() -> lake.backup(TestLake.OPTIONS, new Faults()
        {
            @Override
            public void beforeWatermark(Manifest manifest)
            {
                throw new IllegalStateException("the process died");
            }
        }).run()).hasMessage("the process died");
        String images = lake.manifests().get(0).files(Dataset.IMAGES).get(0).key();
        lake.store.put(images, "not parquet".getBytes(StandardCharsets.UTF_8), "application/octet-stream");
        // Rows that arrive meanwhile wait for the next run: the range of the interrupted run does not grow.
        lake.ingest("2030-03-01T11:30:00Z", box(2, 0.9));
        lake.clock.set("2030-03-01T12:00:00Z");

        BackupResult again = lake.backup().run();

        assertThat(again.resumed()).isFalse();
        assertThat(again.runId()).contains(FIRST_RUN);
        assertThat(again.rows()).isEqualTo(new DatasetCounts(1, 1, 1, 1, 0, 0, 0));
        assertThat(new BackupVerifier(lake.store).problems(lake.manifests().get(0))).isEmpty();
        lake.backup().run();
        lake.assertBackupHoldsEveryRowOnce();
    }

    @Test
    void theVerifierReportsMissingCorruptedAndMiscountedFiles()
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.ingest("2030-03-02T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-03-02T10:00:00Z");
        Manifest manifest = lake.manifests().get(0);
        BackupVerifier verifier = new BackupVerifier(lake.store);
        assertThat(verifier.problems(manifest)).isEmpty();

        ManifestFile images = manifest.files(Dataset.IMAGES).get(0);
        ManifestFile boxes = manifest.files(Dataset.PREDICTED_BOXES).get(1);
        ManifestFile detections = manifest.files(Dataset.DETECTIONS).get(0);
        lake.store.delete(images.key());
        byte[] truncated = lake.store.get(boxes.key()).orElseThrow();
        lake.store.put(boxes.key(), Arrays.copyOf(truncated, truncated.length - 1), "application/octet-stream");
        List<ManifestFile> files = new ArrayList<>(manifest.files());
        files.set(files.indexOf(detections), new ManifestFile(detections.key(), detections.dataset(), detections.ingestDate(), 2, detections.sizeBytes(), detections.sha256()));
        Manifest miscounted = new Manifest(manifest.formatVersion(), manifest.runId(), manifest.createdAt(), manifest.watermarkFrom(), manifest.watermarkTo(), manifest.rows(), files);

        assertThat(verifier.problems(miscounted)).containsExactlyInAnyOrder(
                images.key() + " is missing",
                boxes.key() + " has " + (boxes.sizeBytes() - 1) + " bytes, the manifest says " + boxes.sizeBytes(),
                detections.key() + " holds 1 rows, the manifest says 2");
        assertThatThrownBy(() -> verifier.verify(miscounted)).isInstanceOf(BackupException.class).hasMessageContaining(images.key() + " is missing");
        // Checking several files at a time finds the same problems, listed in the manifest's order.
        assertThat(new BackupVerifier(lake.store, 3).problems(miscounted)).containsExactlyElementsOf(verifier.problems(miscounted));
    }

    @Test
    void backsUpReviewsAndTheirDecisionsPartitionedByTheDayOfTheReview()
            throws Exception
    {
        IngestResult reviewed = lake.ingest("2030-03-01T10:00:00Z", box(1, 0.91), box(4, 0.62), box(2, 0.5));
        IngestResult normal = lake.ingest("2030-03-01T11:00:00Z");
        List<Long> boxes = lake.boxIds(reviewed.inferenceId());
        StoredReview first = lake.review("2030-03-01T23:59:59.999999Z", reviewed.inferenceId(), Optional.of("left base"),
                NewReviewBox.accepted(boxes.get(0)),
                NewReviewBox.rejected(boxes.get(1)),
                NewReviewBox.corrected(boxes.get(2), OptionalInt.of(3), Optional.of(new NewReviewBox.Corners(5, 6, 50, 60))),
                NewReviewBox.added(0, new NewReviewBox.Corners(100, 100, 200, 150)));
        StoredReview nothingFound = lake.review("2030-03-02T08:00:00Z", normal.inferenceId(), Optional.empty());

        BackupResult result = lake.backupAt("2030-03-02T09:00:00Z");

        assertThat(result.to()).isEqualTo(new Watermark(normal.imageId(), normal.inferenceId(), nothingFound.id()));
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(result.to());
        assertThat(result.rows()).isEqualTo(new DatasetCounts(2, 2, 3, 4, 1, 2, 4));
        String reviewsOfTheFirstDay = "backups/reviews/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet";
        String reviewsOfTheSecondDay = "backups/reviews/ingest_date=2030-03-02/run-" + FIRST_RUN + "-part-00000.parquet";
        String decisions = "backups/review_boxes/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet";
        // Dated by the review, not by its inference; a review that found nothing has no decisions and so no file of them.
        assertThat(lake.dataKeys()).filteredOn(key -> key.startsWith("backups/review")).containsExactlyInAnyOrder(reviewsOfTheFirstDay, reviewsOfTheSecondDay, decisions);

        assertThat(lake.records(reviewsOfTheFirstDay)).extracting(AvroRows::review).containsExactly(first.review());
        assertThat(lake.records(reviewsOfTheSecondDay)).extracting(AvroRows::review).containsExactly(nothingFound.review());
        assertThat(lake.records(reviewsOfTheSecondDay).get(0).get("comment")).isNull();
        List<GenericRecord> decided = lake.records(decisions);
        assertThat(decided).extracting(AvroRows::reviewBox).isEqualTo(first.boxes());
        assertThat(decided).extracting(record -> record.get("decision").toString()).containsExactly("accepted", "rejected", "corrected", "added");
        for (String labelColumn : List.of("class_id", "class_name", "x_min", "y_min", "x_max", "y_max")) {
            assertThat(decided.get(1).get(labelColumn)).as(labelColumn).isNull();
        }
        assertThat(decided.get(2).get("class_name").toString()).isEqualTo("Infiltration");
        assertThat(decided.get(3).get("predicted_box_id")).isNull();

        MessageType reviews = schema(reviewsOfTheFirstDay);
        assertThat(reviews.toString()).contains("required int64 inference_id;", "required binary reviewer (STRING);",
                "required int64 reviewed_at (TIMESTAMP(MICROS,true));", "optional binary comment (STRING);");
        assertThat(reviews.getFieldCount()).isEqualTo(5);
        MessageType reviewBoxes = schema(decisions);
        assertThat(reviewBoxes.toString()).contains("required int64 review_id;", "optional int64 predicted_box_id;", "required binary decision (STRING);",
                "optional int32 class_id;", "optional double y_max;");
        assertThat(reviewBoxes.getFieldCount()).isEqualTo(10);
        lake.assertBackupHoldsEveryRowOnce();
    }

    @Test
    void aRunThatFindsOnlyNewReviewsHasARunIdOfItsOwnAndIsFinishedUnderIt()
    {
        IngestResult inference = lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        long box = lake.boxIds(inference.inferenceId()).get(0);
        BackupResult withoutReviews = lake.backupAt("2030-03-01T10:00:00Z");
        StoredReview first = lake.review("2030-03-02T10:00:00Z", inference.inferenceId(), Optional.empty(), NewReviewBox.accepted(box));
        BackupResult ofTheFirstReview = lake.backupAt("2030-03-02T10:00:00Z");
        StoredReview second = lake.review("2030-03-03T10:00:00Z", inference.inferenceId(), Optional.of("not a finding after all"), NewReviewBox.rejected(box));
        lake.clock.set("2030-03-03T11:00:00Z");
        // The run of the second review dies after its manifest is stored: the next run must find that manifest, and
        // not the first review's run, which started from the same image and inference ids.
        assertThatThrownBy(() -> lake.backup(TestLake.OPTIONS, new Faults()
        {
            @Override
            public void beforeWatermark(Manifest manifest)
            {
                throw new IllegalStateException("the process died");
            }
        }).run()).hasMessage("the process died");
        AtomicInteger uploads = new AtomicInteger();

        BackupResult ofTheSecondReview = lake.backup(TestLake.OPTIONS, new Faults()
        {
            @Override
            public void afterDataFileUploaded(String key)
            {
                uploads.incrementAndGet();
            }
        }).run();

        String firstReviewRun = BackupLayout.runId(withoutReviews.to());
        assertThat(ofTheFirstReview.runId()).contains(firstReviewRun);
        assertThat(ofTheFirstReview.to()).isEqualTo(new Watermark(inference.imageId(), inference.inferenceId(), first.id()));
        assertThat(ofTheFirstReview.rows()).isEqualTo(new DatasetCounts(0, 0, 0, 0, 1, 1, 1));
        assertThat(ofTheSecondReview.runId()).contains(firstReviewRun + String.format("-%012d", first.id()));
        assertThat(ofTheSecondReview.resumed()).isTrue();
        assertThat(uploads).hasValue(0);
        assertThat(ofTheSecondReview.to()).isEqualTo(new Watermark(inference.imageId(), inference.inferenceId(), second.id()));
        assertThat(ofTheSecondReview.rows()).isEqualTo(new DatasetCounts(0, 0, 0, 0, 1, 1, 1));
        assertThat(lake.watermark(Backup.STAGE)).isEqualTo(ofTheSecondReview.to());
        assertThat(lake.manifests()).extracting(Manifest::runId).containsExactly(FIRST_RUN, firstReviewRun, ofTheSecondReview.runId().orElseThrow());
        assertThat(lake.backup().run().runId()).isEmpty();
        lake.assertBackupHoldsEveryRowOnce();
    }

    @Test
    void aReviewOfAnInferenceBeyondTheRunsRangeWaitsForTheRunThatBacksUpItsInference()
    {
        BackupOptions config = TestLake.OPTIONS.withSettleDelay(Duration.ofSeconds(60));
        IngestResult settled = lake.ingest("2030-03-01T09:00:00Z", box(1, 0.9));
        // Two application instances whose clocks disagree: the lower id carries the later time.
        lake.ingest("2030-03-01T10:00:30Z", box(0, 0.9));
        IngestResult old = lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        StoredReview ofSettled = lake.review("2030-03-01T10:00:05Z", settled.inferenceId(), Optional.empty(), NewReviewBox.accepted(lake.boxIds(settled.inferenceId()).get(0)));
        StoredReview ofOld = lake.review("2030-03-01T10:00:10Z", old.inferenceId(), Optional.empty(), NewReviewBox.accepted(lake.boxIds(old.inferenceId()).get(0)));

        lake.clock.set("2030-03-01T10:01:15Z");
        BackupResult first = lake.backup(config, Faults.NONE).run();

        // The review of the old inference is old enough, but its inference waits behind the young one, and so does the review.
        assertThat(first.to()).isEqualTo(new Watermark(settled.imageId(), settled.inferenceId(), ofSettled.id()));
        // So what is backed up so far restores on its own: no review without its inference.
        try (Database target = servers.newDatabase()) {
            assertThat(new Restore(target, lake.store, TestLake.OPTIONS, lake.clock).run().reviews()).isEqualTo(1);
        }

        lake.clock.set("2030-03-01T10:01:31Z");
        BackupResult second = lake.backup(config, Faults.NONE).run();

        assertThat(second.to()).isEqualTo(new Watermark(old.imageId(), old.inferenceId(), ofOld.id()));
        assertThat(second.rows().reviews()).isEqualTo(1);
        lake.assertBackupHoldsEveryRowOnce();
    }

    @Test
    void backsUpUnderAnotherPrefix()
    {
        lake.ingest("2030-03-01T10:00:00Z", box(1, 0.9));
        lake.clock.set("2030-03-01T11:00:00Z");

        BackupResult result = lake.backup(TestLake.OPTIONS.withPrefix("archive/lake/"), Faults.NONE).run();

        assertThat(result.manifestKey()).contains("archive/lake/manifests/run-" + FIRST_RUN + ".json");
        assertThat(lake.keys("archive/lake/")).contains("archive/lake/images/ingest_date=2030-03-01/run-" + FIRST_RUN + "-part-00000.parquet");
        assertThat(lake.keys("backups/")).isEmpty();
    }

    private static List<Long> ids(List<GenericRecord> records, String column)
    {
        return records.stream().map(record -> (Long) record.get(column)).toList();
    }

    private MessageType schema(String key)
            throws Exception
    {
        try (ParquetFileReader reader = open(key)) {
            return reader.getFileMetaData().getSchema();
        }
    }

    private ParquetFileReader open(String key)
            throws Exception
    {
        return ParquetFileReader.open(new ByteArrayInputFile(lake.store.get(key).orElseThrow()), ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }
}
