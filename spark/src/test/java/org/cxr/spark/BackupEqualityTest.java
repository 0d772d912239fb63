package org.cxr.spark;

import org.cxr.backup.Backup;
import org.cxr.backup.BackupCatalog;
import org.cxr.backup.BackupOptions;
import org.cxr.backup.BackupResult;
import org.cxr.backup.BackupVerifier;
import org.cxr.backup.Dataset;
import org.cxr.backup.Manifest;
import org.cxr.backup.ManifestFile;
import org.cxr.backup.Restore;
import org.cxr.lake.LakeCounts;
import org.cxr.lake.LakeRows;
import org.cxr.lake.StoredInference;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.store.StoredObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Spark backup against the single-machine backup, on two lakes holding the same rows: the same run ids, plans,
 * manifests and files (byte for byte, so the same rows read back), each continuing the other's runs; a restore of the
 * Spark backup gives the lake back; a job killed midway converges on the same files when run again.
 */
class BackupEqualityTest
{
    private static final int MAX_ROWS_PER_FILE = 40;

    private final SparkTestServers servers = SparkTestServers.get();

    @Test
    void sparkWritesTheFilesAndManifestsOfTheSingleMachineBackupAndEachContinuesTheOther()
    {
        TestLake single = servers.newLake("images-backup-equal");
        TestLake spark = servers.newLake("images-backup-equal");
        LakeContent.add(single, 0);
        LakeContent.add(spark, 0);

        // The first runs with the application's options (what SparkStages runs with), the later ones in small parts.
        BackupResult first = new Backup(single.database(), single.backups(), BackupOptions.defaults(), Clock.systemUTC()).run();
        PipelineRun sparkRun = SparkStages.execute(SparkStages.Stage.BACKUP, servers.spark(), spark.settings(), spark.database(), Clock.systemUTC(), JobFaults.NONE);

        assertThat(sparkRun.status()).as(sparkRun.error().orElse("")).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertThat(sparkRun.trigger()).isEqualTo("spark");
        assertThat(sparkRun.detail().orElseThrow()).contains("\"engine\":\"spark\"").contains("\"backupRun\":\"" + first.runId().orElseThrow() + "\"");
        assertSameBackup(single, spark);
        assertThat(first.rows().reviews()).isPositive();

        // More uploads and late reviews; now the single machine continues the Spark run, and Spark the single machine's.
        LakeContent.add(single, 1);
        LakeContent.add(spark, 1);
        sparkBackup(single).run();
        singleMachine(spark).run();
        assertSameBackup(single, spark);
        assertThat(manifests(spark)).hasSize(2);
        // Parts of at most 40 rows: dates with more rows than that are split, the same way by both.
        List<ManifestFile> detections = manifests(single).get(1).files(Dataset.DETECTIONS);
        assertThat(detections.size()).isGreaterThan((int) detections.stream().map(ManifestFile::ingestDate).distinct().count());

        assertThat(new BackupVerifier(spark.backups()).problems(manifests(spark).get(0))).isEmpty();
        assertThat(new BackupVerifier(spark.backups()).problems(manifests(spark).get(1))).isEmpty();
        // Every row up to the watermark is in the backup, once (what ./cxr reconcile compares).
        assertThat(backedUp(spark)).isEqualTo(inBackupRange(spark));

        // ./cxr restore: the Spark-made backup loads into an empty lake and gives back the same rows.
        TestLake restored = servers.newLake("images-backup-equal");
        new Restore(restored.database(), spark.backups(), options(), Clock.systemUTC()).run();
        LakeRows original = new LakeRows(spark.database());
        LakeRows back = new LakeRows(restored.database());
        assertThat(back.counts()).isEqualTo(original.counts());
        assertThat(all(back)).isEqualTo(all(original));
        assertThat(back.models()).isEqualTo(original.models());
    }

    @Test
    void aJobKilledMidwayIsDoneAgainIntoTheSameKeysWithNothingTwice()
    {
        TestLake single = servers.newLake("images-backup-killed");
        TestLake spark = servers.newLake("images-backup-killed");
        LakeContent.add(single, 0);
        LakeContent.add(spark, 0);
        singleMachine(single).run();
        Watermark before = new Watermarks(spark.database(), Clock.systemUTC()).read(Backup.STAGE);

        // An executor dies once files of some dates are uploaded: the job fails, the manifest is not written.
        assertThatThrownBy(() -> new Backup(spark.database(), spark.backups(), options(), Clock.systemUTC(),
                new SparkBackup(servers.spark(), spark.settings(), spark.database(), spark.backups(), new FailAfterDetections())).run())
                .hasMessageContaining("killed");
        assertThat(new Watermarks(spark.database(), Clock.systemUTC()).read(Backup.STAGE)).isEqualTo(before);
        assertThat(manifests(spark)).isEmpty();
        assertThat(keys(spark, "backups/plans/")).hasSize(1);
        assertThat(keys(spark, "backups/detections/")).isNotEmpty();

        sparkBackup(spark).run();

        assertSameBackup(single, spark);
        // Nothing but the manifest's files and the manifest: the crashed attempt's files were the same keys.
        Set<String> listed = manifests(spark).get(0).files().stream().map(ManifestFile::key).collect(Collectors.toSet());
        assertThat(keys(spark, "backups/")).containsExactlyInAnyOrderElementsOf(union(listed, Set.of("backups/manifests/run-" + manifests(spark).get(0).runId() + ".json")));
        assertThat(backedUp(spark)).isEqualTo(inBackupRange(spark));
    }

    /** Fails the task that uploads a detections file, as a lost executor would, after the file is in S3. */
    private static final class FailAfterDetections
            implements JobFaults
    {
        @Override
        public void afterBackupFile(String key)
        {
            if (key.contains("/detections/")) {
                throw new IllegalStateException("executor killed after uploading " + key);
            }
        }
    }

    private void assertSameBackup(TestLake single, TestLake spark)
    {
        List<Manifest> expected = manifests(single);
        List<Manifest> actual = manifests(spark);
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            // All but the time it was written: run id, watermarks, counts, and every file's key, size and SHA-256.
            assertThat(withoutTime(actual.get(i))).isEqualTo(withoutTime(expected.get(i)));
        }
        Watermarks singleMarks = new Watermarks(single.database(), Clock.systemUTC());
        Watermarks sparkMarks = new Watermarks(spark.database(), Clock.systemUTC());
        assertThat(sparkMarks.read(Backup.STAGE)).isEqualTo(singleMarks.read(Backup.STAGE));
        assertThat(keys(spark, "backups/plans/")).isEmpty();
    }

    private static Manifest withoutTime(Manifest manifest)
    {
        return new Manifest(manifest.formatVersion(), manifest.runId(), Instant.EPOCH, manifest.watermarkFrom(), manifest.watermarkTo(), manifest.rows(), manifest.files());
    }

    private static List<Manifest> manifests(TestLake lake)
    {
        return new BackupCatalog(lake.backups(), options()).manifests();
    }

    private static LakeCounts backedUp(TestLake lake)
    {
        List<Manifest> manifests = manifests(lake);
        LakeCounts inRange = inBackupRange(lake);
        return new LakeCounts(
                manifests.stream().mapToLong(m -> m.rows().images()).sum(),
                manifests.stream().mapToLong(m -> m.rows().inferences()).sum(),
                manifests.stream().mapToLong(m -> m.rows().predictedBoxes()).sum(),
                inRange.imagesWithInferences(),
                manifests.stream().mapToLong(m -> m.rows().reviews()).sum(),
                manifests.stream().mapToLong(m -> m.rows().reviewBoxes()).sum());
    }

    private static LakeCounts inBackupRange(TestLake lake)
    {
        return new LakeRows(lake.database()).countsUpTo(new Watermarks(lake.database(), Clock.systemUTC()).read(Backup.STAGE));
    }

    private static List<StoredInference> all(LakeRows rows)
    {
        return rows.inferences(0, Long.MAX_VALUE, Instant.parse("2000-01-01T00:00:00Z"), Instant.parse("2100-01-01T00:00:00Z"), 100_000);
    }

    private static List<String> keys(TestLake lake, String prefix)
    {
        return lake.backups().list(prefix, Optional.empty(), 1000).objects().stream().map(StoredObject::key).toList();
    }

    private static Set<String> union(Set<String> a, Set<String> b)
    {
        Set<String> union = new java.util.HashSet<>(a);
        union.addAll(b);
        return union;
    }

    private static BackupOptions options()
    {
        return BackupOptions.defaults().withMaxRowsPerFile(MAX_ROWS_PER_FILE);
    }

    private Backup singleMachine(TestLake lake)
    {
        return new Backup(lake.database(), lake.backups(), options(), Clock.systemUTC());
    }

    private Backup sparkBackup(TestLake lake)
    {
        return new Backup(lake.database(), lake.backups(), options(), Clock.systemUTC(),
                new SparkBackup(servers.spark(), lake.settings(), lake.database(), lake.backups(), JobFaults.NONE));
    }
}
