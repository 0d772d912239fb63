package org.cxr.app.pipeline;

import java.util.Map;

/** One stage's work, run by {@link PipelineService} under the stage's lease, with retries for transient faults. */
public interface StageTask
{
    Stage stage();

    Outcome run();

    /** What a run did, for the run history: totals and the stage's own counts. */
    record Outcome(long rowsRead, long rowsWritten, Map<String, Object> detail)
    {
        public Outcome
        {
            detail = Map.copyOf(detail);
        }
    }
}
