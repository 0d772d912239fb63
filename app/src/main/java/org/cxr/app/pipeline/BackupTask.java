package org.cxr.app.pipeline;

import org.cxr.backup.Backup;
import org.cxr.backup.BackupResult;

import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Object> detail = new LinkedHashMap<>();
        r.runId().ifPresent(id -> detail.put("backupRun", id));
        detail.put("images", r.rows().images());
        detail.put("inferences", r.rows().inferences());
        detail.put("predictedBoxes", r.rows().predictedBoxes());
        detail.put("detections", r.rows().detections());
        detail.put("files", r.files());
        detail.put("bytes", r.bytes());
        r.manifestKey().ifPresent(key -> detail.put("manifest", key));
        detail.put("watermarkInferenceId", r.to().inferenceId());
        long rows = r.rows().images() + r.rows().inferences() + r.rows().predictedBoxes();
        return new Outcome(rows, rows + r.rows().detections(), detail);
    }
}
