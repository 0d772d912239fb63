package org.cxr.app.pipeline;

import org.cxr.lake.errors.ConflictException;

import java.util.Map;

/** A run of the stage is already in progress (on this instance or another); tools find it in {@code runningRunId}. */
public final class StageBusyException
        extends ConflictException
{
    private final long runningRunId;

    public StageBusyException(Stage stage, long runningRunId)
    {
        super("stage_busy", "A " + stage.id() + " run (" + runningRunId + ") is already in progress; wait for it to finish.");
        this.runningRunId = runningRunId;
    }

    public long runningRunId()
    {
        return runningRunId;
    }

    @Override
    public Map<String, Object> details()
    {
        return Map.of("runningRunId", runningRunId);
    }
}
