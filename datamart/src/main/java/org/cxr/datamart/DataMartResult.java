package org.cxr.datamart;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What a finished export wrote.
 *
 * @param outDir the data mart's folder (absolute)
 * @param train what {@code annotations/train.json} holds
 * @param validation what {@code annotations/val.json} holds
 * @param categories the categories of both files, in id order (the first has id 1)
 * @param imagesDownloaded images fetched from S3 in this run (one GET each)
 * @param imagesAlreadyPresent images whose local file already had the right content, so were not fetched
 * @param bytesDownloaded bytes fetched from S3 in this run
 * @param skipped warehouse images left out of the dataset
 * @param elapsed how long the run took
 */
public record DataMartResult(
        Path outDir,
        SplitCounts train,
        SplitCounts validation,
        List<String> categories,
        long imagesDownloaded,
        long imagesAlreadyPresent,
        long bytesDownloaded,
        SkippedImages skipped,
        Duration elapsed)
{
    public DataMartResult
    {
        requireNonNull(outDir, "outDir");
        requireNonNull(train, "train");
        requireNonNull(validation, "validation");
        categories = List.copyOf(requireNonNull(categories, "categories"));
        requireNonNull(skipped, "skipped");
        requireNonNull(elapsed, "elapsed");
    }

    /** Images in the dataset, both splits. */
    public long images()
    {
        return train.images() + validation.images();
    }

    /** Annotations in the dataset, both splits. */
    public long annotations()
    {
        return train.annotations() + validation.annotations();
    }
}
