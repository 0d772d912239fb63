package org.cxr.backup;

import org.cxr.lake.db.Database;
import org.cxr.lake.pipeline.Watermark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cxr.backup.TestLake.box;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreTest
{
    private TestServers servers;
    private TestLake lake;

    @BeforeAll
    void startServers(@TempDir Path folder)
    {
        servers = TestServers.postgres(folder);
    }

    @AfterAll
    void stopServers()
            throws Exception
    {
        servers.close();
    }

    @BeforeEach
    void newLake()
    {
        lake = servers.newLake();
    }

    @AfterEach
    void closeLake()
    {
        lake.close();
    }

    @Test
    void restoresEveryBackedUpRunIntoAnEmptyDatabaseWithEveryColumnAndIdAndNewRowsGetFreshIds()
    {
        Map<String, List<Map<String, Object>>> original = RestoreRoundTrip.fillBackUpAndPurge(lake);

        try (Database target = servers.newDatabase()) {
            TestLake restored = new TestLake(target, lake.store);
            RestoreResult result = new Restore(target, lake.store, TestLake.CONFIG, restored.clock).run();

            RestoreRoundTrip.assertRestored(lake, restored, result);
            assertThat(restored.rows("image")).isEqualTo(original.get("image"));
            assertThat(restored.rows("inference")).isEqualTo(original.get("inference"));
            assertThat(restored.rows("predicted_box")).isEqualTo(original.get("predicted_box"));
            RestoreRoundTrip.assertNewRowsGetFreshIdsAndAreBackedUpNext(restored, result);
        }
    }

    @Test
    void refusesADatabaseThatIsNotEmptyAndChangesNothing()
    {
        lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-01-01T10:00:00Z");
        List<Map<String, Object>> before = lake.rows("inference");

        assertThatThrownBy(() -> new Restore(lake.database, lake.store, TestLake.CONFIG, lake.clock).run())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("Restore needs an empty lake database, but table image, inference, predicted_box has rows");
        assertThat(lake.rows("inference")).isEqualTo(before);
        assertThat(lake.rows("image")).hasSize(1);
    }

    @Test
    void refusesADatabaseThatWasBackedUpBefore()
    {
        lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-01-01T10:00:00Z");
        lake.clock.set("2030-03-01T00:00:00Z");
        new Purge(lake.database, PurgeConfig.defaults(), lake.clock).run(Duration.ofDays(1));
        assertThat(lake.ids("image")).isEmpty();

        assertThatThrownBy(() -> new Restore(lake.database, lake.store, TestLake.CONFIG, lake.clock).run())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("the backup watermark is at Watermark[imageId=1, inferenceId=1]");
        assertThat(lake.ids("image")).isEmpty();
    }

    @Test
    void anImagePurgedAndUploadedAgainIsRestoredAsOneRowThatAllItsInferencesShare()
    {
        RestoreRoundTrip.assertImagePurgedAndUploadedAgainIsRestoredAsOneRow(servers, lake);
    }

    @Test
    void aFileThatFailsItsChecksumStopsTheRestoreAndLeavesTheDatabaseEmpty()
    {
        lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-01-01T10:00:00Z");
        lake.ingest("2030-01-02T10:00:00Z", box(2, 0.9));
        lake.backupAt("2030-01-02T10:00:00Z");
        ManifestFile boxes = lake.manifests().get(1).files(Dataset.PREDICTED_BOXES).get(0);
        byte[] bytes = lake.store.get(boxes.key()).orElseThrow();
        bytes[bytes.length / 2] ^= 0x01;
        lake.store.put(boxes.key(), bytes, "application/octet-stream");

        try (Database target = servers.newDatabase()) {
            TestLake restored = new TestLake(target, lake.store);

            assertThatThrownBy(() -> new Restore(target, lake.store, TestLake.CONFIG, restored.clock).run())
                    .isInstanceOf(BackupException.class)
                    .hasMessageContaining(boxes.key() + " has SHA-256");
            assertThat(restored.ids("image")).isEmpty();
            assertThat(restored.ids("inference")).isEmpty();
            assertThat(restored.ids("predicted_box")).isEmpty();
            assertThat(restored.watermark(Backup.STAGE)).isEqualTo(Watermark.START);
        }
    }

    @Test
    void anEmptyBackupRestoresNothing()
    {
        try (Database target = servers.newDatabase()) {
            RestoreResult result = new Restore(target, lake.store, TestLake.CONFIG, lake.clock).run();

            assertThat(result).isEqualTo(new RestoreResult(0, 0, 0, 0, 0, 0, 0, Watermark.START));
        }
    }
}
