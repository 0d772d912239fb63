package org.cxr.app.pipeline;

import org.cxr.lake.errors.Failures;
import org.cxr.lake.pipeline.PipelineRun;
import org.cxr.lake.pipeline.PipelineRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Runs pipeline stages: records each run in the run history, holds the stage's database lease so at most one run per
 * stage happens at a time across all instances, and retries transient faults with exponential backoff.
 */
public final class PipelineService
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(PipelineService.class);
    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Map<Stage, StageTask> tasks = new EnumMap<>(Stage.class);
    private final PipelineRuns runs;
    private final RetrySettings retry;
    private final String holder;
    private final ExecutorService workers = Executors.newFixedThreadPool(3, daemon("cxr-pipeline"));
    private final ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(daemon("cxr-pipeline-lease"));

    public PipelineService(List<StageTask> tasks, PipelineRuns runs, RetrySettings retry)
    {
        for (StageTask task : tasks) {
            this.tasks.put(task.stage(), task);
        }
        this.runs = requireNonNull(runs, "runs");
        this.retry = requireNonNull(retry, "retry");
        this.holder = hostName() + "/" + UUID.randomUUID();
    }

    /** How transient faults are retried: at most {@code attempts} tries, waiting {@code firstDelay}, then twice as long. */
    public record RetrySettings(int attempts, Duration firstDelay)
    {
        public RetrySettings
        {
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1");
            }
        }
    }

    /** Starts a run in the background and returns it (RUNNING); throws {@link StageBusyException} if one is in progress. */
    public PipelineRun start(Stage stage, String trigger)
    {
        long runId = claim(stage, trigger);
        workers.submit(() -> execute(stage, runId));
        return runs.find(runId).orElseThrow();
    }

    /** Runs to the end in the caller's thread and returns the finished run. */
    public PipelineRun runAndWait(Stage stage, String trigger)
    {
        long runId = claim(stage, trigger);
        execute(stage, runId);
        return runs.find(runId).orElseThrow();
    }

    public PipelineRuns runs()
    {
        return runs;
    }

    private long claim(Stage stage, String trigger)
    {
        if (!tasks.containsKey(stage)) {
            throw new IllegalStateException("The " + stage.id() + " stage is not configured in this application.");
        }
        long runId = runs.start(stage.id(), trigger);
        if (!runs.tryLease(stage.id(), runId, holder, LEASE)) {
            long running = runs.leaseHolder(stage.id()).orElse(-1L);
            runs.fail(runId, "Not started: run " + running + " of this stage was in progress.");
            throw new StageBusyException(stage, running);
        }
        return runId;
    }

    private void execute(Stage stage, long runId)
    {
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renewQuietly(stage, runId),
                LEASE.toSeconds() / 3, LEASE.toSeconds() / 3, TimeUnit.SECONDS);
        AtomicInteger attempts = new AtomicInteger();
        try {
            StageTask.Outcome outcome = retries(stage, runId).invoke(() -> {
                runs.attempt(runId, attempts.incrementAndGet());
                return tasks.get(stage).run();
            });
            runs.succeed(runId, outcome.rowsRead(), outcome.rowsWritten(), JSON.writeValueAsString(outcome.detail()));
            log.info("Pipeline run {} ({}) succeeded: {}", runId, stage.id(), outcome.detail());
        }
        catch (RuntimeException e) {
            runs.fail(runId, describe(e));
            log.warn("Pipeline run {} ({}) failed after {} attempt(s): {}", runId, stage.id(), attempts.get(), describe(e));
        }
        catch (Error e) {
            // A broken installation (classes of mismatched versions) or no memory left: the run must still end as
            // FAILED rather than stay RUNNING for ever, with those who wait on it.
            runs.fail(runId, describe(e));
            log.error("Pipeline run {} ({}) failed", runId, stage.id(), e);
            throw e;
        }
        finally {
            renewal.cancel(false);
            runs.releaseLease(stage.id(), runId);
        }
    }

    /** Faults that may pass by themselves (storage or network trouble, not bad data or bugs) are tried again. */
    private RetryTemplate retries(Stage stage, long runId)
    {
        RetryTemplate template = new RetryTemplate(RetryPolicy.builder()
                .predicate(Failures::isTransient)
                .maxRetries(retry.attempts() - 1)
                .delay(retry.firstDelay())
                .multiplier(2)
                .maxDelay(retry.firstDelay().multipliedBy(1L << Math.min(20, retry.attempts())))
                .build());
        template.setRetryListener(new RetryListener()
        {
            @Override
            public void onRetryFailure(RetryPolicy policy, Retryable<?> retryable, Throwable failure)
            {
                log.info("Pipeline run {} ({}) hit a transient fault, retrying: {}", runId, stage.id(), describe(failure));
            }
        });
        return template;
    }

    private void renewQuietly(Stage stage, long runId)
    {
        try {
            runs.renewLease(stage.id(), runId, LEASE);
        }
        catch (RuntimeException e) {
            log.warn("Cannot renew the {} lease of run {}: {}", stage.id(), runId, e.getMessage());
        }
    }

    static String describe(Throwable e)
    {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                ? message + " (cause: " + e.getCause().getMessage() + ")"
                : message;
    }

    private static String hostName()
    {
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (Exception e) {
            return "unknown-host";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name)
    {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close()
    {
        workers.shutdown();
        renewals.shutdownNow();
    }
}
