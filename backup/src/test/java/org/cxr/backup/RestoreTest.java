package org.cxr.backup;

import org.cxr.lake.LakeRows;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.sql.Database;
import org.cxr.lake.pipeline.Watermark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.cxr.backup.TestLake.box;

class RestoreTest
{
    @RegisterExtension
    static final TestServers servers = TestServers.postgres();

    private final TestLake lake = servers.newLake();

    @Test
    void restoresEveryBackedUpRunIntoAnEmptyDatabaseWithEveryColumnAndIdAndNewRowsGetFreshIds()
    {
        RestoreRoundTrip.assertBackedUpPurgedAndRestoredRowsAreTheOriginalsAndNewRowsGetFreshIds(servers, lake);
    }

    @Test
    void theRegisteredModelsAreBackedUpWithEachRunAndRestoredWithTheirClasses()
    {
        ModelVersion demo = lake.lake.registerModel("cxr-demo-phantom", "1.0.0", List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass"));
        lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        BackupResult first = lake.backupAt("2030-01-01T10:00:00Z");
        ModelVersion later = lake.lake.registerModel("cxr-renamed", "2.0.0", List.of("Cardiomegaly", "Lung nodule"));
        lake.ingest("2030-01-02T10:00:00Z", box(0, 0.8));
        BackupResult second = lake.backupAt("2030-01-02T10:00:00Z");

        // Each run holds the whole (small) table as it was then.
        assertThat(first.rows().modelVersions()).isEqualTo(1);
        assertThat(second.rows().modelVersions()).isEqualTo(2);

        Database target = servers.newDatabase();
        RestoreResult result = new Restore(target, lake.store, TestLake.OPTIONS, lake.clock).run();

        assertThat(result.modelVersions()).isEqualTo(2);
        assertThat(new LakeRows(target).models()).extracting(ModelVersion::name, ModelVersion::version, ModelVersion::classNames, ModelVersion::registeredAt)
                .containsExactly(
                        tuple(demo.name(), demo.version(), demo.classNames(), demo.registeredAt()),
                        tuple(later.name(), later.version(), later.classNames(), later.registeredAt()));
    }

    @Test
    void refusesADatabaseThatIsNotEmptyAndChangesNothing()
    {
        lake.ingest("2030-01-01T10:00:00Z", box(1, 0.9));
        lake.backupAt("2030-01-01T10:00:00Z");
        List<Map<String, Object>> before = lake.rows("inference");

        assertThatThrownBy(() -> new Restore(lake.database, lake.store, TestLake.OPTIONS, lake.clock).run())
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
        new Purge(lake.database, PurgeOptions.defaults(), lake.clock).run(Duration.ofDays(1));
        assertThat(lake.ids("image")).isEmpty();

        assertThatThrownBy(() -> new Restore(lake.database, lake.store, TestLake.OPTIONS, lake.clock).run())
                .isInstanceOf(BackupException.class)
                .hasMessageContaining("the backup watermark is at Watermark[imageId=1, inferenceId=1, reviewId=0]");
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

            assertThatThrownBy(() -> new Restore(target, lake.store, TestLake.OPTIONS, restored.clock).run())
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
            RestoreResult result = new Restore(target, lake.store, TestLake.OPTIONS, lake.clock).run();

            assertThat(result).isEqualTo(new RestoreResult(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Watermark.START));
        }
    }
}
