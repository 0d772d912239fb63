package org.cxr.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.ReviewBoxRecord;
import org.cxr.lake.StoredInference;
import org.cxr.lake.StoredReview;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What the three jobs share: their Spark session, how many tasks write, and the lake's rows of one inference or review. */
final class SparkJobs
{
    private SparkJobs() {}

    /**
     * The session of a job: the master from the command line when given (else spark-submit's), times in UTC, and S3A
     * reaching the lake's bucket. No UI for a local master: nobody is there to look at it, and it needs a port.
     */
    static SparkSession session(String appName, Optional<String> master, SparkSettings settings)
    {
        requireNonNull(appName, "appName");
        SparkSession.Builder builder = SparkSession.builder().appName(appName)
                .config("spark.sql.session.timeZone", "UTC");
        master.ifPresent(url -> {
            builder.master(url);
            if (url.startsWith("local")) {
                builder.config("spark.ui.enabled", "false");
            }
        });
        for (Map.Entry<String, String> entry : settings.s3aConfiguration().entrySet()) {
            builder.config("spark.hadoop." + entry.getKey(), entry.getValue());
        }
        return builder.getOrCreate();
    }

    /** Tasks that write: the setting, else twice the cores Spark has, so that a slow date does not hold up the rest. */
    static int partitions(SparkSession spark, SparkSettings settings)
    {
        return settings.partitions() > 0 ? settings.partitions() : Math.max(2, 2 * spark.sparkContext().defaultParallelism());
    }

    /** The rows of one inference (its image; one row per box in id order, or one row without a box) as the lake's record. */
    static StoredInference storedInference(List<Row> rows)
    {
        Row first = rows.get(0);
        List<BoxRecord> boxes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            RowRecords.box(row).ifPresent(boxes::add);
        }
        return new StoredInference(RowRecords.inference(first), RowRecords.image(first), boxes);
    }

    /** The rows of one review (one row per decision in id order, or one row without any) as the lake's record. */
    static StoredReview storedReview(List<Row> rows)
    {
        List<ReviewBoxRecord> boxes = new ArrayList<>(rows.size());
        for (Row row : rows) {
            RowRecords.reviewBox(row).ifPresent(boxes::add);
        }
        return new StoredReview(RowRecords.review(rows.get(0)), boxes);
    }
}
