package org.cxr.app.pipeline;

/** A run of the stage is already in progress (on this instance or another). */
public final class StageBusyException
        extends RuntimeException
{
    private final long runningRunId;

    public StageBusyException(Stage stage, long runningRunId)
    {
        super("A " + stage.id() + " run (" + runningRunId + ") is already in progress; wait for it to finish.");
        this.runningRunId = runningRunId;
    }

    public long runningRunId()
    {
        return runningRunId;
    }
}
