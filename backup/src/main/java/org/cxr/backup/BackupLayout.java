package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where everything of a backup lives under its prefix:
 * <pre>
 * &lt;prefix&gt;&lt;dataset&gt;/ingest_date=YYYY-MM-DD/run-&lt;runId&gt;-part-00000.parquet
 * &lt;prefix&gt;model_versions/run-&lt;runId&gt;-part-00000.parquet       (the whole table, as of the run)
 * &lt;prefix&gt;manifests/run-&lt;runId&gt;.json
 * &lt;prefix&gt;plans/run-&lt;runId&gt;.json
 * </pre>
 * The run id is derived from the watermark the run starts from ({@link #runId}), which stays put until the run is verified; so every
 * attempt at one run, however often it crashes, writes the same keys, and a retry overwrites what an earlier attempt
 * left instead of adding a second copy.
 */
final class BackupLayout
{
    static final String PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet";
    static final String JSON_MEDIA_TYPE = "application/json";

    private final String prefix;

    BackupLayout(String prefix)
    {
        this.prefix = requireNonNull(prefix, "prefix");
    }

    /**
     * {@code <imageId>-<inferenceId>-<reviewId>}, zero-padded, so that listings show runs in order (readers order
     * manifests by their watermarks, not by key). Every part is needed: a run that finds only new reviews starts where
     * the last one ended in images and inferences, and must not take that run's id, whose stored manifest would pass
     * for this run's and move the watermark past reviews never backed up.
     *
     * <p>Before any review has been backed up (review id 0) the id is {@code <imageId>-<inferenceId>}, as versions
     * without reviews named the run from that watermark: a run such a version left half done (a plan, or a manifest
     * whose watermark had not moved) is then finished under its own keys after an upgrade instead of being backed up a
     * second time under new ones. The two forms cannot meet: the three-part id always ends in a review id above 0.
     */
    static String runId(Watermark from)
    {
        if (from.reviewId() == 0) {
            return String.format(Locale.ROOT, "%012d-%012d", from.imageId(), from.inferenceId());
        }
        return String.format(Locale.ROOT, "%012d-%012d-%012d", from.imageId(), from.inferenceId(), from.reviewId());
    }

    String dataFile(Dataset dataset, Optional<LocalDate> ingestDate, String runId, int part)
    {
        String partition = ingestDate.map(date -> "ingest_date=" + date + "/").orElse("");
        return String.format(Locale.ROOT, "%s%s/%srun-%s-part-%05d.parquet", prefix, dataset.directory(), partition, runId, part);
    }

    String manifestPrefix()
    {
        return prefix + "manifests/";
    }

    String manifest(String runId)
    {
        return manifestPrefix() + "run-" + runId + ".json";
    }

    String planPrefix()
    {
        return prefix + "plans/";
    }

    String plan(String runId)
    {
        return planPrefix() + "run-" + runId + ".json";
    }
}
