package org.cxr.app.sweep;

import org.cxr.lake.store.StoredObject;
import org.cxr.lake.sweep.OrphanSweeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Deletes, on a schedule, image objects that a crash left without metadata (older than the grace period). */
@Component
public class SweepJob
{
    private static final Logger log = LoggerFactory.getLogger(SweepJob.class);

    private final OrphanSweeper sweeper;

    public SweepJob(OrphanSweeper sweeper)
    {
        this.sweeper = requireNonNull(sweeper, "sweeper");
    }

    /** The server's schedule ({@code cxr.sweep.cron}, see {@link SweepSchedule}): a failure waits for the next time. */
    public void scheduled()
    {
        try {
            run();
        }
        catch (RuntimeException e) {
            log.warn("Scheduled sweep failed; it runs again at the next schedule: {}", e.getMessage());
        }
    }

    public List<StoredObject> run()
    {
        List<StoredObject> deleted = sweeper.sweep();
        if (!deleted.isEmpty()) {
            log.info("Sweep deleted {} orphan object(s)", deleted.size());
        }
        return deleted;
    }
}
