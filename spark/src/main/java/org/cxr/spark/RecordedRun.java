package org.cxr.spark;

import org.cxr.lake.pipeline.PipelineRuns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * A Spark job's run in the run history the application keeps (the lake's {@code pipeline_run}), holding the stage's
 * lease ({@code pipeline_lease}) as the application's runs do: whichever engine runs a stage, the run is recorded, and
 * one stage never runs twice at once. The lease is renewed while the job works; a driver that dies leaves it to expire.
 */
final class RecordedRun
        implements AutoCloseable
{
    /** As the application's: renewed every third of it, so a live run never loses it. */
    static final Duration LEASE = Duration.ofMinutes(2);
    static final String TRIGGER = "spark";

    private static final Logger log = LoggerFactory.getLogger(RecordedRun.class);

    private final PipelineRuns runs;
    private final String stage;
    private final long runId;
    private final ScheduledExecutorService renewals;

    private RecordedRun(PipelineRuns runs, String stage, long runId)
    {
        this.runs = runs;
        this.stage = stage;
        this.runId = runId;
        this.renewals = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cxr-spark-lease");
            thread.setDaemon(true);
            return thread;
        });
        long every = LEASE.toSeconds() / 3;
        renewals.scheduleAtFixedRate(this::renew, every, every, TimeUnit.SECONDS);
    }

    /** Records a run of the stage and takes its lease; a stage that is running already is recorded as a run not started. */
    static RecordedRun claim(PipelineRuns runs, String stage)
    {
        requireNonNull(runs, "runs");
        requireNonNull(stage, "stage");
        long runId = runs.start(stage, TRIGGER);
        if (!runs.tryLease(stage, runId, holder(), LEASE)) {
            long running = runs.leaseHolder(stage).orElse(-1L);
            runs.fail(runId, "Not started: run " + running + " of this stage was in progress.");
            throw new StageBusyException(stage, runId, running);
        }
        runs.attempt(runId, 1);
        return new RecordedRun(runs, stage, runId);
    }

    long runId()
    {
        return runId;
    }

    void succeed(long rowsRead, long rowsWritten, String detail)
    {
        runs.succeed(runId, rowsRead, rowsWritten, detail);
    }

    void fail(Throwable failure)
    {
        runs.fail(runId, describe(failure));
    }

    @Override
    public void close()
    {
        renewals.shutdownNow();
        runs.releaseLease(stage, runId);
    }

    private void renew()
    {
        try {
            runs.renewLease(stage, runId, LEASE);
        }
        catch (RuntimeException e) {
            log.warn("Cannot renew the {} lease of run {}: {}", stage, runId, e.getMessage());
        }
    }

    /** As the application describes a failed run: the exception, and its cause's message. */
    static String describe(Throwable e)
    {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null
                ? message + " (cause: " + e.getCause().getMessage() + ")"
                : message;
    }

    private static String holder()
    {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (Exception e) {
            host = "unknown-host";
        }
        return "spark:" + host + "/" + UUID.randomUUID();
    }

    /** Another run of the stage, by either engine, holds its lease. */
    static final class StageBusyException
            extends IllegalStateException
    {
        private final long runId;

        StageBusyException(String stage, long runId, long running)
        {
            super("The " + stage + " stage is busy: run " + running + " is in progress.");
            this.runId = runId;
        }

        /** The run recorded as not started. */
        long runId()
        {
            return runId;
        }
    }
}
