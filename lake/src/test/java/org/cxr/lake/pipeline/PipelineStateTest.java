package org.cxr.lake.pipeline;

import org.cxr.lake.MutableClock;
import org.cxr.lake.sql.Database;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineStateTest
{
    private EmbeddedPostgres postgres;
    private Database database;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));

    @BeforeAll
    void start(@TempDir Path folder)
    {
        postgres = EmbeddedPostgres.start(folder.resolve("pg"));
        database = Database.connect(postgres.databaseConfig());
        database.migrate();
    }

    @AfterAll
    void stop()
    {
        database.close();
        postgres.close();
    }

    @Test
    void watermarksStartAtZeroAndNeverMoveBackwards()
    {
        Watermarks watermarks = new Watermarks(database, clock);

        assertThat(watermarks.read("test-a")).isEqualTo(Watermark.START);
        watermarks.advance("test-a", new Watermark(5, 9, 2));
        watermarks.advance("test-a", new Watermark(3, 12, 1));

        assertThat(watermarks.read("test-a")).isEqualTo(new Watermark(5, 12, 2));
        assertThat(watermarks.read("test-b")).isEqualTo(Watermark.START);
    }

    @Test
    void aForgottenWatermarkStartsAgainAndOtherStagesKeepTheirs()
    {
        Watermarks watermarks = new Watermarks(database, clock);
        watermarks.advance("test-forget", new Watermark(4, 8, 1));
        watermarks.advance("test-kept", new Watermark(2, 3, 0));

        assertThat(watermarks.forget("test-forget")).isTrue();
        assertThat(watermarks.forget("test-forget")).isFalse();

        assertThat(watermarks.read("test-forget")).isEqualTo(Watermark.START);
        assertThat(watermarks.read("test-kept")).isEqualTo(new Watermark(2, 3, 0));
        watermarks.advance("test-forget", new Watermark(1, 1, 0));
        assertThat(watermarks.read("test-forget")).isEqualTo(new Watermark(1, 1, 0));
    }

    @Test
    void aRunIsRecordedFromStartToItsOutcome()
    {
        PipelineRuns runs = new PipelineRuns(database, clock);

        long ok = runs.start("backup", "api");
        runs.attempt(ok, 1);
        clock.advance(Duration.ofSeconds(3));
        runs.succeed(ok, 10, 7, "{\"files\": 4}");
        long bad = runs.start("backup", "schedule");
        runs.fail(bad, "S3 unavailable");

        PipelineRun succeeded = runs.find(ok).orElseThrow();
        assertThat(succeeded.status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
        assertThat(succeeded.rowsRead()).contains(10L);
        assertThat(succeeded.rowsWritten()).contains(7L);
        assertThat(succeeded.detail()).contains("{\"files\": 4}");
        assertThat(succeeded.attempts()).isEqualTo(1);
        assertThat(succeeded.finishedAt()).contains(succeeded.startedAt().plusSeconds(3));
        assertThat(runs.find(bad).orElseThrow().error()).contains("S3 unavailable");
        assertThat(runs.recent(Optional.of("backup"), 10)).extracting(PipelineRun::id).startsWith(bad, ok);
    }

    @Test
    void onlyOneRunOfAStageHoldsTheLeaseUntilItIsReleasedOrExpires()
    {
        PipelineRuns runs = new PipelineRuns(database, clock);

        assertThat(runs.tryLease("warehouse", 1, "instance-a", Duration.ofMinutes(5))).isTrue();
        assertThat(runs.tryLease("warehouse", 2, "instance-b", Duration.ofMinutes(5))).isFalse();
        assertThat(runs.tryLease("datamart", 3, "instance-b", Duration.ofMinutes(5))).isTrue();
        assertThat(runs.leaseHolder("warehouse")).contains(1L);

        runs.releaseLease("warehouse", 1);
        assertThat(runs.tryLease("warehouse", 4, "instance-b", Duration.ofMinutes(5))).isTrue();

        // the holder of run 4 dies: its lease expires and another run takes over
        clock.advance(Duration.ofMinutes(6));
        assertThat(runs.tryLease("warehouse", 5, "instance-a", Duration.ofMinutes(5))).isTrue();
        assertThat(runs.leaseHolder("warehouse")).contains(5L);
        runs.releaseLease("warehouse", 5);
        runs.releaseLease("datamart", 3);
    }
}
