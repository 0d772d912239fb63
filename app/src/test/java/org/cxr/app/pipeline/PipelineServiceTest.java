package org.cxr.app.pipeline;

import org.cxr.lake.LakeTables;
import org.cxr.lake.sql.Database;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.TransientDataAccessResourceException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Runs, retries and the one-run-per-stage rule, on a real database shared by two "instances" of the service. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineServiceTest
{
    private static final PipelineService.RetrySettings FAST_RETRY = new PipelineService.RetrySettings(3, Duration.ofMillis(10));

    private EmbeddedPostgres postgres;
    private Database database;

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

    /** A stage whose first {@code failures} runs throw {@code fault}. */
    private static StageTask flaky(Stage stage, int failures, RuntimeException fault, AtomicInteger calls)
    {
        return new StageTask()
        {
            @Override
            public Stage stage()
            {
                return stage;
            }

            @Override
            public Outcome run()
            {
                if (calls.incrementAndGet() <= failures) {
                    throw fault;
                }
                return new Outcome(7, 5, Map.of("files", 2));
            }
        };
    }

    private PipelineService service(StageTask... tasks)
    {
        return new PipelineService(List.of(tasks), new PipelineRuns(database, Clock.systemUTC()), FAST_RETRY);
    }

    @Test
    void transientFaultsAreRetriedWithBackoffUntilTheRunSucceeds()
    {
        AtomicInteger calls = new AtomicInteger();
        try (PipelineService pipelines = service(flaky(Stage.BACKUP, 2, new TransientDataAccessResourceException("connection reset"), calls))) {
            PipelineRun run = pipelines.runAndWait(Stage.BACKUP, "test");

            assertThat(run.status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
            assertThat(run.attempts()).isEqualTo(3);
            assertThat(run.rowsRead()).contains(7L);
            assertThat(run.detail()).contains("{\"files\":2}");
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void aFaultThatIsNotTransientFailsTheRunAtOnceWithItsMessage()
    {
        AtomicInteger calls = new AtomicInteger();
        try (PipelineService pipelines = service(flaky(Stage.WAREHOUSE, 5, new IllegalStateException("document too large"), calls))) {
            PipelineRun run = pipelines.runAndWait(Stage.WAREHOUSE, "test");

            assertThat(run.status()).isEqualTo(PipelineRun.Status.FAILED);
            assertThat(run.error()).hasValueSatisfying(e -> assertThat(e).contains("document too large"));
            assertThat(calls).hasValue(1);
        }
    }

    @Test
    void transientFaultsThatOutlastTheRetriesFailTheRun()
    {
        AtomicInteger calls = new AtomicInteger();
        try (PipelineService pipelines = service(flaky(Stage.DATAMART, 10, new TransientDataAccessResourceException("still down"), calls))) {
            PipelineRun run = pipelines.runAndWait(Stage.DATAMART, "test");

            assertThat(run.status()).isEqualTo(PipelineRun.Status.FAILED);
            assertThat(run.attempts()).isEqualTo(3);
            assertThat(calls).hasValue(3);
        }
    }

    @Test
    void aStageRunsOnceAtATimeEvenAcrossInstancesSharingTheDatabase()
            throws Exception
    {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StageTask slow = new StageTask()
        {
            @Override
            public Stage stage()
            {
                return Stage.BACKUP;
            }

            @Override
            public Outcome run()
            {
                running.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new Outcome(0, 0, Map.of());
            }
        };
        try (PipelineService first = service(slow); PipelineService second = service(slow)) {
            PipelineRun started = first.start(Stage.BACKUP, "test");
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> second.start(Stage.BACKUP, "test"))
                    .isInstanceOf(StageBusyException.class)
                    .hasMessageContaining("run (" + started.id() + ") is already in progress");
            assertThatThrownBy(() -> first.runAndWait(Stage.BACKUP, "test")).isInstanceOf(StageBusyException.class);

            release.countDown();
            for (int i = 0; i < 100 && first.runs().find(started.id()).orElseThrow().status() == PipelineRun.Status.RUNNING; i++) {
                Thread.sleep(50);
            }
            assertThat(first.runs().find(started.id()).orElseThrow().status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
            assertThat(second.runAndWait(Stage.BACKUP, "test").status()).isEqualTo(PipelineRun.Status.SUCCEEDED);
        }
    }

    @Test
    void aScheduleFiredByTwoInstancesRunsTheStageOncePerPeriod()
    {
        // Earlier tests' datamart runs would count as this period's run.
        new LakeTables(database).forgetRuns("datamart");
        AtomicInteger calls = new AtomicInteger();
        try (PipelineService first = service(flaky(Stage.DATAMART, 0, new IllegalStateException("never"), calls));
                PipelineService second = service(flaky(Stage.DATAMART, 0, new IllegalStateException("never"), calls))) {
            new PipelineSchedule(Stage.DATAMART, "0 30 2 * * *", first, Clock.systemUTC()).fire();
            new PipelineSchedule(Stage.DATAMART, "0 30 2 * * *", second, Clock.systemUTC()).fire();

            assertThat(calls).hasValue(1);
            assertThat(first.runs().recent(java.util.Optional.of("datamart"), 10))
                    .filteredOn(r -> r.trigger().equals("schedule")).hasSize(1);
        }
    }
}
