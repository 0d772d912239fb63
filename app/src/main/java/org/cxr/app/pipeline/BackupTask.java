package org.cxr.app.pipeline;

import org.cxr.backup.Backup;
import org.cxr.backup.BackupResult;


import static java.util.Objects.requireNonNull;

/** Stage 3: what is new in the relational lake written to S3 as Parquet, verified, then the watermark moved. */
final class BackupTask
        implements StageTask
{
    private final Backup backup;

    BackupTask(Backup backup)
    {
        this.backup = requireNonNull(backup, "backup");
    }

    @Override
    public Stage stage()
    {
        return Stage.BACKUP;
    }

    @Override
    public Outcome run()
    {
        BackupResult r = backup.run();
        return new Outcome(r.rowsRead(), r.rowsWritten(), r.summary());
    }
}
