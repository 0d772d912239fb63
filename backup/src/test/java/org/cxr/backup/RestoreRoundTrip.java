package org.cxr.backup;

import org.cxr.lake.IngestResult;
import org.cxr.lake.MediaType;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.StoredReview;
import org.cxr.lake.Upload;
import org.cxr.lake.sql.Database;
import org.cxr.lake.pipeline.Watermark;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cxr.backup.TestLake.box;

/** The restore scenario both databases go through: a lake backed up in two runs and partly purged. */
final class RestoreRoundTrip
{
    private RestoreRoundTrip() {}

    /**
     * Fills the lake over three days, with reviews (a superseded one among them), backs it up in two runs and purges
     * the first day; returns the rows as they were before the purge.
     */
    static Map<String, List<Map<String, Object>>> fillBackUpAndPurge(TestLake lake)
    {
        byte[] uploadedTwice = TestLake.uniquePng();
        IngestResult first = lake.ingest("2030-01-01T10:00:00.123456Z", uploadedTwice, box(1, 0.91), box(4, 0.62));
        IngestResult nothingFound = lake.ingest("2030-01-01T11:00:00Z", TestLake.uniquePng(), "O'Brien \"AP\" view – ünïcode.png", Optional.empty());
        // What COPY's text format must escape survives the round trip too.
        lake.ingest("2030-01-01T11:30:00Z", TestLake.uniquePng(), "tab\there\nnew line\\back\rslash.png", Optional.of("user\\N"), box(2, 0.5));
        lake.ingest("2030-01-02T09:00:00Z", uploadedTwice, box(2, 0.5));
        byte[] third = TestLake.uniquePng();
        IngestResult threeBoxes = lake.ingest("2030-01-02T10:00:00Z", third, box(0, 1.0), box(3, 0.0), box(3, 0.333));
        // Every kind of decision, with a comment COPY must escape, and a review that finds nothing.
        List<Long> firstBoxes = lake.boxIds(first.inferenceId());
        lake.review("2030-01-01T12:00:00.654321Z", first.inferenceId(), Optional.of("left base\t\"faint\"\nsee \\N"),
                NewReviewBox.accepted(firstBoxes.get(0)),
                NewReviewBox.corrected(firstBoxes.get(1), OptionalInt.of(2), Optional.of(new NewReviewBox.Corners(1.5, 2.25, 100, 200.125))),
                NewReviewBox.added(3, new NewReviewBox.Corners(300, 10, 350.5, 60)));
        lake.review("2030-01-02T11:00:00Z", nothingFound.inferenceId(), Optional.empty());
        lake.backupAt("2030-01-02T12:00:00Z");

        // A rolled-back upload and a rolled-back review leave gaps in the ids; a restore keeps the ids as they are, gaps included.
        lake.clock.set("2030-01-03T08:00:00Z");
        assertThatThrownBy(() -> lake.lake.ingest(new Upload(TestLake.uniquePng(), "lost.png", MediaType.PNG, 1, 1), lake.inference(),
                stored -> {
                    throw new IllegalStateException("rolled back");
                }))
                .hasMessage("rolled back");
        List<Long> thirdBoxes = lake.boxIds(threeBoxes.inferenceId());
        assertThatThrownBy(() -> lake.lake.review(new NewReview(threeBoxes.inferenceId(), "dr-house", thirdBoxes.stream().map(NewReviewBox::accepted).toList(),
                Optional.empty()), stored -> {
                    throw new IllegalStateException("rolled back");
                }))
                .hasMessage("rolled back");
        lake.ingest("2030-01-03T09:00:00Z", box(1, 0.75));
        lake.ingest("2030-01-03T10:00:00Z", third);
        // The first inference reviewed again: the later review supersedes the earlier one, and both are kept.
        lake.review("2030-01-03T10:30:00Z", first.inferenceId(), Optional.of("on second thoughts"),
                NewReviewBox.rejected(firstBoxes.get(0)), NewReviewBox.rejected(firstBoxes.get(1)));
        lake.review("2030-01-03T11:00:00Z", threeBoxes.inferenceId(), Optional.empty(),
                NewReviewBox.corrected(thirdBoxes.get(0), OptionalInt.of(1), Optional.empty()),
                NewReviewBox.accepted(thirdBoxes.get(1)),
                NewReviewBox.rejected(thirdBoxes.get(2)));
        lake.backupAt("2030-01-03T12:00:00Z");

        lake.assertBackupHoldsEveryRowOnce();
        Map<String, List<Map<String, Object>>> original = Map.of(
                "image", lake.rows("image"),
                "inference", lake.rows("inference"),
                "predicted_box", lake.rows("predicted_box"),
                "review", lake.rows("review"),
                "review_box", lake.rows("review_box"));
        assertThat(original.get("review")).hasSize(4);
        assertThat(original.get("review_box")).hasSize(8);
        lake.clock.set("2030-01-20T00:00:00Z");
        PurgeResult purged = new Purge(lake.database, PurgeOptions.defaults(), lake.clock).run(Duration.ofDays(18));
        assertThat(purged.inferencesDeleted()).isEqualTo(3);
        // Both reviews of the first inference and the one of the inference that found nothing.
        assertThat(purged.reviewsDeleted()).isEqualTo(3);
        assertThat(purged.imagesDeleted()).isEqualTo(2);
        assertThat(lake.ids("review")).hasSize(1);
        return original;
    }

    /** Fills, backs up and purges the lake, restores it into a new database, and compares every row. */
    static void assertBackedUpPurgedAndRestoredRowsAreTheOriginalsAndNewRowsGetFreshIds(TestServers servers, TestLake lake)
    {
        Map<String, List<Map<String, Object>>> original = RestoreRoundTrip.fillBackUpAndPurge(lake);

        try (Database target = servers.newDatabase()) {
            TestLake restored = new TestLake(target, lake.store);
            RestoreResult result = new Restore(target, lake.store, TestLake.OPTIONS, restored.clock).run();

            RestoreRoundTrip.assertRestored(lake, restored, result);
            assertThat(restored.rows("image")).isEqualTo(original.get("image"));
            assertThat(restored.rows("inference")).isEqualTo(original.get("inference"));
            assertThat(restored.rows("predicted_box")).isEqualTo(original.get("predicted_box"));
            assertThat(restored.rows("review")).isEqualTo(original.get("review"));
            assertThat(restored.rows("review_box")).isEqualTo(original.get("review_box"));
            RestoreRoundTrip.assertNewRowsGetFreshIdsAndAreBackedUpNext(restored, result);
        }
    }

    static void assertRestored(TestLake source, TestLake restored, RestoreResult result)
    {
        assertThat(result.manifests()).isEqualTo(2);
        assertThat(result.images()).isEqualTo(5);
        assertThat(result.inferences()).isEqualTo(7);
        assertThat(result.predictedBoxes()).isEqualTo(8);
        assertThat(result.reviews()).isEqualTo(4);
        assertThat(result.reviewBoxes()).isEqualTo(8);
        assertThat(result.imagesMerged()).isZero();
        // Images, inferences and boxes of two days in the first run, of one day in the second; the models in each; reviews
        // of two days in the first run, decisions of one (the other review found nothing); of one day in the second.
        // The join is not loaded.
        assertThat(result.files()).isEqualTo((2 * 3 + 1 + 2 + 1) + (3 + 1 + 2));
        assertThat(result.watermark()).isEqualTo(source.watermark(Backup.STAGE));
        assertThat(result.watermark().reviewId()).isEqualTo(source.ids("review").get(source.ids("review").size() - 1));
        assertThat(restored.watermark(Backup.STAGE)).isEqualTo(result.watermark());
    }

    /** New uploads after a restore take ids above every restored one, and the next backup run carries on from the restored watermark. */
    static void assertNewRowsGetFreshIdsAndAreBackedUpNext(TestLake restored, RestoreResult result)
    {
        long maxImage = restored.ids("image").stream().mapToLong(Long::longValue).max().orElseThrow();
        long maxInference = restored.ids("inference").stream().mapToLong(Long::longValue).max().orElseThrow();
        long maxBox = restored.ids("predicted_box").stream().mapToLong(Long::longValue).max().orElseThrow();
        // Purged reviews are in the backup too: the restored counters are past them, not only past the rows left.
        long maxReview = result.watermark().reviewId();
        long maxReviewBox = restored.ids("review_box").stream().mapToLong(Long::longValue).max().orElseThrow();

        IngestResult fresh = restored.ingest("2030-01-21T10:00:00Z", box(2, 0.9), box(3, 0.8));
        List<Long> freshBoxes = restored.boxIds(fresh.inferenceId());
        StoredReview review = restored.review("2030-01-21T10:00:00Z", fresh.inferenceId(), Optional.empty(),
                NewReviewBox.accepted(freshBoxes.get(0)), NewReviewBox.rejected(freshBoxes.get(1)));

        assertThat(fresh.imageId()).isGreaterThan(maxImage);
        assertThat(fresh.inferenceId()).isGreaterThan(maxInference);
        assertThat(restored.ids("predicted_box")).filteredOn(id -> id > maxBox).hasSize(2);
        assertThat(review.id()).isGreaterThan(maxReview);
        assertThat(restored.ids("review_box")).filteredOn(id -> id > maxReviewBox).hasSize(2);

        BackupResult next = restored.backupAt("2030-01-21T10:00:00Z");

        assertThat(next.from()).isEqualTo(result.watermark());
        assertThat(next.to()).isEqualTo(new Watermark(fresh.imageId(), fresh.inferenceId(), review.id()));
        assertThat(next.rows()).isEqualTo(new DatasetCounts(1, 1, 2, 2, 1, 1, 2));
        restored.assertBackupHoldsEveryRowOnce();
    }

    /** Purging an image and uploading it again gives it a second row; a restore merges the two, which share the SHA-256. */
    static void assertImagePurgedAndUploadedAgainIsRestoredAsOneRow(TestServers servers, TestLake lake)
    {
        byte[] png = TestLake.uniquePng();
        IngestResult before = lake.ingest("2030-01-01T10:00:00Z", png, box(1, 0.9));
        lake.backupAt("2030-01-01T10:00:00Z");
        lake.clock.set("2030-03-01T00:00:00Z");
        assertThat(new Purge(lake.database, PurgeOptions.defaults(), lake.clock).run(Duration.ofDays(30)).imagesDeleted()).isEqualTo(1);
        IngestResult after = lake.ingest("2030-03-02T10:00:00Z", png, box(2, 0.8));
        assertThat(after.imageId()).isNotEqualTo(before.imageId());
        lake.backupAt("2030-03-02T10:00:00Z");

        try (Database target = servers.newDatabase()) {
            TestLake restored = new TestLake(target, lake.store);
            RestoreResult result = new Restore(target, lake.store, TestLake.OPTIONS, restored.clock).run();

            assertThat(result.images()).isEqualTo(1);
            assertThat(result.imagesMerged()).isEqualTo(1);
            assertThat(restored.ids("image")).containsExactly(before.imageId());
            assertThat(restored.tables.column("inference", "image_id", Long.class)).containsExactly(before.imageId(), before.imageId());
            // The merged row's id is in the backup: a new image must not take it.
            IngestResult fresh = restored.ingest("2030-03-03T10:00:00Z");
            assertThat(fresh.imageId()).isGreaterThan(after.imageId());
        }
    }
}
