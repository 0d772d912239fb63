package org.cxr.app.pipeline;

import org.cxr.datamart.DataMartExport;
import org.cxr.datamart.DataMartResult;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/** Stage 5: the warehouse and the images exported as a COCO dataset to the data mart folder. */
final class DataMartTask
        implements StageTask
{
    private final DataMartExport export;
    private final Path directory;

    DataMartTask(DataMartExport export, Path directory)
    {
        this.export = requireNonNull(export, "export");
        this.directory = requireNonNull(directory, "directory");
    }

    @Override
    public Stage stage()
    {
        return Stage.DATAMART;
    }

    @Override
    public Outcome run()
    {
        DataMartResult r = export.run(directory);
        return new Outcome(r.images(), r.annotations(), r.summary());
    }
}
