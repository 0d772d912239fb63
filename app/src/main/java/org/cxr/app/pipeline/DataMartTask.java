package org.cxr.app.pipeline;

import org.cxr.datamart.DataMartExport;
import org.cxr.datamart.DataMartResult;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("directory", r.outDir().toString());
        detail.put("trainImages", r.train().images());
        detail.put("trainAnnotations", r.train().annotations());
        detail.put("validationImages", r.validation().images());
        detail.put("validationAnnotations", r.validation().annotations());
        detail.put("labelsModelAccepted", r.labels().modelAccepted());
        detail.put("labelsModelCorrected", r.labels().modelCorrected());
        detail.put("labelsRadiologistAdded", r.labels().radiologistAdded());
        detail.put("imagesWithoutFindings", r.labels().imagesWithoutFindings());
        detail.put("trainPredictions", r.trainPredictions());
        detail.put("validationPredictions", r.validationPredictions());
        detail.put("unreviewedImages", r.unreviewed().images());
        detail.put("unreviewedPredictions", r.unreviewed().annotations());
        detail.put("imagesDownloaded", r.imagesDownloaded());
        detail.put("imagesAlreadyPresent", r.imagesAlreadyPresent());
        detail.put("bytesDownloaded", r.bytesDownloaded());
        detail.put("imagesSkipped", r.skipped().total());
        return new Outcome(r.images(), r.annotations(), detail);
    }
}
