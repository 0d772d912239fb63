package org.cxr.warehouse;

import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Collections;
import org.cxr.lake.pipeline.Watermark;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What a run did, counted over the pages it wrote.
 *
 * @param cutoff only inferences created and reviews made before this instant were taken
 * @param pages pages read from the lake, written and acknowledged: pages of inferences, then of reviews
 * @param inferencesRead inferences read from the lake
 * @param boxesRead their boxes
 * @param documentsInserted image documents created
 * @param documentsUpdated image documents that existed and got at least one inference
 * @param inferencesAppended inferences added to documents, new or existing; less than {@code inferencesRead} when a
 *         run repeats work a failed run had done
 * @param reviewsRead reviews read from the lake (only reviews made before the cutoff, of inferences the warehouse holds)
 * @param reviewBoxesRead their decisions
 * @param reviewsAppended reviews added to their inferences; less than {@code reviewsRead} when a run repeats work
 * @param watermark the stage's watermark when the run ended
 */
public record WarehouseRunResult(
        Instant cutoff,
        int pages,
        long inferencesRead,
        long boxesRead,
        long documentsInserted,
        long documentsUpdated,
        long inferencesAppended,
        long reviewsRead,
        long reviewBoxesRead,
        long reviewsAppended,
        Watermark watermark)
{
    public WarehouseRunResult
    {
        requireNonNull(cutoff, "cutoff");
        requireNonNull(watermark, "watermark");
    }

    static WarehouseRunResult start(Instant cutoff, Watermark watermark)
    {
        return new WarehouseRunResult(cutoff, 0, 0, 0, 0, 0, 0, 0, 0, 0, watermark);
    }

    WarehouseRunResult plus(LakePage page, DocumentWriter.PageWrite write, Watermark watermark)
    {
        return new WarehouseRunResult(
                cutoff,
                pages + 1,
                inferencesRead + page.inferenceCount(),
                boxesRead + page.boxCount(),
                documentsInserted + write.documentsInserted(),
                documentsUpdated + write.documentsUpdated(),
                inferencesAppended + write.inferencesAppended(),
                reviewsRead,
                reviewBoxesRead,
                reviewsAppended,
                watermark);
    }

    WarehouseRunResult plus(ReviewPage page, int appended, Watermark watermark)
    {
        return new WarehouseRunResult(cutoff, pages + 1, inferencesRead, boxesRead, documentsInserted, documentsUpdated, inferencesAppended,
                reviewsRead + page.reviews().size(),
                reviewBoxesRead + page.boxCount(),
                reviewsAppended + appended,
                watermark);
    }

    /** The lake's rows the run read: inferences, boxes, reviews and their decisions. */
    public long rowsRead()
    {
        return inferencesRead + boxesRead + reviewsRead + reviewBoxesRead;
    }

    /** What the run put into documents: inferences and reviews. */
    public long rowsWritten()
    {
        return inferencesAppended + reviewsAppended;
    }

    /** What the run did, for its record in the run history: the same whichever engine wrote the documents. */
    public Map<String, Object> summary()
    {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("pages", pages);
        summary.put("inferencesRead", inferencesRead);
        summary.put("boxesRead", boxesRead);
        summary.put("documentsInserted", documentsInserted);
        summary.put("documentsUpdated", documentsUpdated);
        summary.put("inferencesAppended", inferencesAppended);
        summary.put("reviewsRead", reviewsRead);
        summary.put("reviewsAppended", reviewsAppended);
        summary.put("watermarkInferenceId", watermark.inferenceId());
        summary.put("watermarkReviewId", watermark.reviewId());
        return Collections.unmodifiableMap(summary);
    }
}
