package org.cxr.warehouse;

import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoDatabase;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.errors.UnavailableException;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * Stage 4 of the platform: the lake's inferences, with their boxes and images, reshaped into one document per image in
 * the {@code images} collection of a MongoDB-wire warehouse (Amazon DocumentDB, MongoDB), and the radiologists'
 * reviews nested in the inferences they review.
 *
 * <p>A run reads only what the stage has not copied yet: inferences with ids above the inference id of the stage's
 * watermark, a page at a time; then reviews with ids above its review id. Reviews have a watermark of their own
 * because one often arrives long after its inference was copied; they come after the inferences in each run, so that
 * a review finds its inference in the warehouse, and a review of an inference the inference pages have not reached
 * (one still too young) ends the review pages until a later run has copied it. Each page is written with one bulk
 * write that is safe to repeat, checked, and only then does the watermark move past it. A run that fails at any point,
 * even half-way through a bulk write, leaves the warehouse in a state from which the next run converges to exactly the
 * documents an uninterrupted run writes: nothing lost, nothing doubled.
 *
 * <p>Only inferences created (and reviews made) more than the settle delay before the run started are taken (in id
 * order, up to the first that is not): a transaction that got a lower id may commit after one with a higher id, and the
 * watermark must never pass a row that is not visible yet. The delay must exceed the longest upload or review
 * transaction.
 *
 * <p>One run at a time: concurrent runs write correct documents but may count the same work twice. The application's
 * scheduler holds a lease per stage.
 */
public final class Warehouse
{
    public static final String STAGE = "warehouse";

    private static final Logger log = LoggerFactory.getLogger(Warehouse.class);

    private final LakeReader lake;
    private final Watermarks watermarks;
    private final MongoDatabase warehouse;
    private final DocumentWriter writer;
    private final WarehouseOptions options;
    private final Clock clock;

    public Warehouse(Database lake, MongoDatabase warehouse, WarehouseOptions options, Clock clock)
    {
        requireNonNull(lake, "lake");
        this.warehouse = requireNonNull(warehouse, "warehouse");
        this.options = requireNonNull(options, "options");
        this.clock = requireNonNull(clock, "clock");
        this.lake = new LakeReader(lake);
        this.watermarks = new Watermarks(lake, clock);
        this.writer = new DocumentWriter(warehouse);
    }

    public Warehouse(Database lake, MongoDatabase warehouse)
    {
        this(lake, warehouse, WarehouseOptions.defaults(), Clock.systemUTC());
    }

    /**
     * A warehouse that cannot be reached (no server, a dropped connection, no primary within the timeout) is a fault
     * that may pass: it is told apart here, where the driver is known, as {@link UnavailableException}.
     */
    static RuntimeException unavailableIfConnection(RuntimeException e)
    {
        if (e instanceof MongoSocketException || e instanceof MongoTimeoutException || e instanceof MongoNotPrimaryException) {
            return new UnavailableException("The warehouse cannot be reached: " + e.getMessage(), e);
        }
        return e;
    }

    /** Copies every settled inference and review the warehouse lacks; throws {@link WarehouseRunException} on failure. */
    public WarehouseRunResult run()
    {
        return run(progress -> {});
    }

    /**
     * As {@link #run()}, telling the listener the progress so far after each page is written and the watermark has
     * passed it (to log, or to renew a lease). An exception thrown by the listener ends the run as a failure.
     */
    public WarehouseRunResult run(Consumer<WarehouseRunResult> afterEachPage)
    {
        requireNonNull(afterEachPage, "afterEachPage");
        Instant cutoff = clock.instant().minus(options.settleDelay());
        Watermark watermark = watermarks.read(STAGE);
        WarehouseRunResult progress = WarehouseRunResult.start(cutoff, watermark);
        try {
            WarehouseIndexes.createMissing(warehouse);
            Map<String, ModelVersion> models = lake.models();
            while (true) {
                LakePage page = lake.page(progress.watermark().inferenceId(), options.pageSize(), cutoff, models);
                if (page.isEmpty()) {
                    break;
                }
                DocumentWriter.PageWrite written = writer.write(page.images());
                // The warehouse follows inferences; the image part of the watermark belongs to no one here and stays.
                Watermark next = new Watermark(progress.watermark().imageId(), page.lastInferenceId(), progress.watermark().reviewId());
                watermarks.advance(STAGE, next);
                progress = progress.plus(page, written, next);
                log.debug("Warehouse page {}: {}", progress.pages(), progress);
                afterEachPage.accept(progress);
                if (page.last()) {
                    break;
                }
            }
            while (true) {
                ReviewPage page = lake.reviewPage(progress.watermark().reviewId(), options.pageSize(), cutoff, progress.watermark().inferenceId());
                if (page.isEmpty()) {
                    break;
                }
                int appended = writer.writeReviews(page.reviews());
                Watermark next = new Watermark(progress.watermark().imageId(), progress.watermark().inferenceId(), page.lastReviewId());
                watermarks.advance(STAGE, next);
                progress = progress.plus(page, appended, next);
                log.debug("Warehouse page {}: {}", progress.pages(), progress);
                afterEachPage.accept(progress);
                if (page.last()) {
                    break;
                }
            }
        }
        catch (RuntimeException e) {
            throw new WarehouseRunException("The warehouse run failed after " + progress.pages() + " page(s) at watermark inference "
                    + progress.watermark().inferenceId() + ", review " + progress.watermark().reviewId() + ": " + e.getMessage(),
                    progress, unavailableIfConnection(e));
        }
        log.info("Warehouse run: {} inference(s) and {} box(es) read, {} document(s) inserted, {} updated, {} inference(s) appended; {} review(s) read, {} appended;"
                        + " watermark inference {}, review {}",
                progress.inferencesRead(), progress.boxesRead(), progress.documentsInserted(), progress.documentsUpdated(), progress.inferencesAppended(),
                progress.reviewsRead(), progress.reviewsAppended(), progress.watermark().inferenceId(), progress.watermark().reviewId());
        return progress;
    }
}
