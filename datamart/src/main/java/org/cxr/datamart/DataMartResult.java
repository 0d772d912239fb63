package org.cxr.datamart;

import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Collections;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a finished export wrote.
 *
 * @param outDir the data mart's folder (absolute)
 * @param train what {@code annotations/train.json} holds: reviewed images and their labels
 * @param validation what {@code annotations/val.json} holds
 * @param unreviewed what {@code annotations/unreviewed.json} holds: images nobody has reviewed, and the boxes predicted
 * @param labels the reviewed labels of both splits by lineage
 * @param trainPredictions boxes in {@code predictions/train.json}
 * @param validationPredictions boxes in {@code predictions/val.json}
 * @param categories the categories of every file, in id order (the first has id 1)
 * @param imagesDownloaded images fetched from S3 in this run (one GET each)
 * @param imagesAlreadyPresent images whose local file already had the right content, so were not fetched
 * @param bytesDownloaded bytes fetched from S3 in this run
 * @param skipped warehouse images left out of the dataset
 * @param exportedAt the time the files say they were made ({@code info.date_created})
 * @param elapsed how long the run took
 */
public record DataMartResult(
        Path outDir,
        SplitCounts train,
        SplitCounts validation,
        SplitCounts unreviewed,
        LabelCounts labels,
        long trainPredictions,
        long validationPredictions,
        List<String> categories,
        long imagesDownloaded,
        long imagesAlreadyPresent,
        long bytesDownloaded,
        SkippedImages skipped,
        Instant exportedAt,
        Duration elapsed)
{
    public DataMartResult
    {
        requireNonNull(outDir, "outDir");
        requireNonNull(train, "train");
        requireNonNull(validation, "validation");
        requireNonNull(unreviewed, "unreviewed");
        requireNonNull(labels, "labels");
        categories = List.copyOf(requireNonNull(categories, "categories"));
        requireNonNull(skipped, "skipped");
        requireNonNull(exportedAt, "exportedAt");
        requireNonNull(elapsed, "elapsed");
    }

    /** Reviewed images in the dataset, both splits. */
    public long reviewedImages()
    {
        return train.images() + validation.images();
    }

    /** Every image the data mart's files name: both splits and the unreviewed ones. */
    public long images()
    {
        return reviewedImages() + unreviewed.images();
    }

    /** Reviewed labels in both splits: the ground truth. */
    public long annotations()
    {
        return train.annotations() + validation.annotations();
    }

    /** What the export did, for its record in the run history: the same whichever engine made it. */
    public Map<String, Object> summary()
    {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("directory", outDir().toString());
        summary.put("trainImages", train().images());
        summary.put("trainAnnotations", train().annotations());
        summary.put("validationImages", validation().images());
        summary.put("validationAnnotations", validation().annotations());
        summary.put("labelsModelAccepted", labels().modelAccepted());
        summary.put("labelsModelCorrected", labels().modelCorrected());
        summary.put("labelsRadiologistAdded", labels().radiologistAdded());
        summary.put("imagesWithoutFindings", labels().imagesWithoutFindings());
        summary.put("trainPredictions", trainPredictions());
        summary.put("validationPredictions", validationPredictions());
        summary.put("unreviewedImages", unreviewed().images());
        summary.put("unreviewedPredictions", unreviewed().annotations());
        summary.put("imagesDownloaded", imagesDownloaded());
        summary.put("imagesAlreadyPresent", imagesAlreadyPresent());
        summary.put("bytesDownloaded", bytesDownloaded());
        summary.put("imagesSkipped", skipped().total());
        return Collections.unmodifiableMap(summary);
    }
}
