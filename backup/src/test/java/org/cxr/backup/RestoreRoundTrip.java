package org.cxr.backup;

import org.cxr.lake.IngestResult;
import org.cxr.lake.MediaType;
import org.cxr.lake.Upload;
import org.cxr.lake.sql.Database;
import org.cxr.lake.pipeline.Watermark;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cxr.backup.TestLake.box;

/** The restore scenario both databases go through: a lake backed up in two runs and partly purged. */
final class RestoreRoundTrip
{
    private RestoreRoundTrip() {}

    /** Fills the lake over three days, backs it up in two runs and purges the first day; returns the rows as they were before the purge. */
    static Map<String, List<Map<String, Object>>> fillBackUpAndPurge(TestLake lake)
    {
        byte[] uploadedTwice = TestLake.uniquePng();
        lake.ingest("2030-01-01T10:00:00.123456Z", uploadedTwice, box(1, 0.91), box(4, 0.62));
        lake.ingest("2030-01-01T11:00:00Z", TestLake.uniquePng(), "O'Brien \"AP\" view – ünïcode.png", Optional.empty());
        // What COPY's text format must escape survives the round trip too.
        lake.ingest("2030-01-01T11:30:00Z", TestLake.uniquePng(), "tab\there\nnew line\\back\rslash.png", Optional.of("user\\N"), box(2, 0.5));
        lake.ingest("2030-01-02T09:00:00Z", uploadedTwice, box(2, 0.5));
        byte[] third = TestLake.uniquePng();
        lake.ingest("2030-01-02T10:00:00Z", third, box(0, 1.0), box(3, 0.0), box(3, 0.333));
        lake.backupAt("2030-01-02T12:00:00Z");

        // A rolled-back upload leaves a gap in the ids; a restore keeps the ids as they are, gaps included.
        lake.clock.set("2030-01-03T08:00:00Z");
        assertThatThrownBy(() -> lake.lake.ingest(new Upload(TestLake.uniquePng(), "lost.png", MediaType.PNG, 1, 1), lake.inference(),
                stored -> {
                    throw new IllegalStateException("rolled back");
                }))
                .hasMessage("rolled back");
        lake.ingest("2030-01-03T09:00:00Z", box(1, 0.75));
        lake.ingest("2030-01-03T10:00:00Z", third);
        lake.backupAt("2030-01-03T12:00:00Z");

        lake.assertBackupHoldsEveryRowOnce();
        Map<String, List<Map<String, Object>>> original = Map.of(
                "image", lake.rows("image"),
                "inference", lake.rows("inference"),
                "predicted_box", lake.rows("predicted_box"));
        lake.clock.set("2030-01-20T00:00:00Z");
        PurgeResult purged = new Purge(lake.database, PurgeOptions.defaults(), lake.clock).run(Duration.ofDays(18));
        assertThat(purged.inferencesDeleted()).isEqualTo(3);
        assertThat(purged.imagesDeleted()).isEqualTo(2);
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
            RestoreRoundTrip.assertNewRowsGetFreshIdsAndAreBackedUpNext(restored, result);
        }
    }

    static void assertRestored(TestLake source, TestLake restored, RestoreResult result)
    {
        assertThat(result.manifests()).isEqualTo(2);
        assertThat(result.images()).isEqualTo(5);
        assertThat(result.inferences()).isEqualTo(7);
        assertThat(result.predictedBoxes()).isEqualTo(8);
        assertThat(result.imagesMerged()).isZero();
        // Images, inferences and boxes of two days in the first run, of one day in the second; the join is not loaded.
        assertThat(result.files()).isEqualTo(2 * 3 + 3);
        assertThat(result.watermark()).isEqualTo(source.watermark(Backup.STAGE));
        assertThat(restored.watermark(Backup.STAGE)).isEqualTo(result.watermark());
    }

    /** New uploads after a restore take ids above every restored one, and the next backup run carries on from the restored watermark. */
    static void assertNewRowsGetFreshIdsAndAreBackedUpNext(TestLake restored, RestoreResult result)
    {
        long maxImage = restored.ids("image").stream().mapToLong(Long::longValue).max().orElseThrow();
        long maxInference = restored.ids("inference").stream().mapToLong(Long::longValue).max().orElseThrow();
        long maxBox = restored.ids("predicted_box").stream().mapToLong(Long::longValue).max().orElseThrow();

        IngestResult fresh = restored.ingest("2030-01-21T10:00:00Z", box(2, 0.9), box(3, 0.8));

        assertThat(fresh.imageId()).isGreaterThan(maxImage);
        assertThat(fresh.inferenceId()).isGreaterThan(maxInference);
        assertThat(restored.ids("predicted_box")).filteredOn(id -> id > maxBox).hasSize(2);

        BackupResult next = restored.backupAt("2030-01-21T10:00:00Z");

        assertThat(next.from()).isEqualTo(result.watermark());
        assertThat(next.to()).isEqualTo(new Watermark(fresh.imageId(), fresh.inferenceId(), 0));
        assertThat(next.rows()).isEqualTo(new DatasetCounts(1, 1, 2, 2, 0));
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
