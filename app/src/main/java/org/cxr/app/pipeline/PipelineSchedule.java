package org.cxr.app.pipeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.support.CronExpression;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Fires a stage on its cron schedule. Every instance of the application fires; the database decides: a fire is
 * skipped when any instance already started a run of the stage within half a period of it, and the stage's lease
 * keeps two runs from overlapping.
 */
final class PipelineSchedule
{
    private static final Logger log = LoggerFactory.getLogger(PipelineSchedule.class);

    private final Stage stage;
    private final CronExpression cron;
    private final PipelineService pipelines;
    private final Clock clock;

    PipelineSchedule(Stage stage, String cron, PipelineService pipelines, Clock clock)
    {
        this.stage = requireNonNull(stage, "stage");
        this.cron = CronExpression.parse(cron);
        this.pipelines = requireNonNull(pipelines, "pipelines");
        this.clock = requireNonNull(clock, "clock");
    }

    Duration period()
    {
        ZonedDateTime first = requireNonNull(cron.next(ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC)));
        ZonedDateTime second = requireNonNull(cron.next(first));
        return Duration.between(first, second);
    }

    void fire()
    {
        Instant now = clock.instant();
        Optional<Instant> latest = pipelines.runs().recent(Optional.of(stage.id()), 1).stream().map(r -> r.startedAt()).findFirst();
        if (latest.isPresent() && latest.get().isAfter(now.minus(period().dividedBy(2)))) {
            log.debug("Scheduled {} skipped: a run started at {}", stage.id(), latest.get());
            return;
        }
        try {
            pipelines.runAndWait(stage, "schedule");
        }
        catch (StageBusyException e) {
            log.info("Scheduled {} skipped: {}", stage.id(), e.getMessage());
        }
    }
}
