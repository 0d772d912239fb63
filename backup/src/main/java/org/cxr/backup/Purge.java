package org.cxr.backup;

import org.cxr.lake.LakePurge;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.cxr.lake.sql.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Deletes old rows from the relational lake once they are in a verified backup (the point of the backup: the database
 * costs more than S3). Opt-in; the image objects stay in S3, since the backup's rows refer to them.
 *
 * <p>First the inferences created before the cutoff whose ids are at most the backup watermark, with their boxes and
 * their reviews; an inference with a review above the watermark's review id stays, whole, until a backup holds that
 * review too (a review is usually written long after its inference, and the purge must not take it unsaved). Then the
 * images first seen before the cutoff, with ids at most the watermark, that no inference refers to any more. One transaction per batch: a failure loses at most the batch in flight, whose
 * rows stay, and running again carries on.
 */
public final class Purge
{
    private static final Logger log = LoggerFactory.getLogger(Purge.class);

    private final PurgeOptions options;
    private final Clock clock;
    private final Watermarks watermarks;
    private final LakePurge lake;

    public Purge(Database database, PurgeOptions options, Clock clock)
    {
        requireNonNull(database, "database");
        this.options = requireNonNull(options, "options");
        this.clock = requireNonNull(clock, "clock");
        this.watermarks = new Watermarks(database, clock);
        this.lake = new LakePurge(database);
    }

    /** Deletes the backed-up rows created more than {@code olderThan} ago. */
    public PurgeResult run(Duration olderThan)
    {
        requireNonNull(olderThan, "olderThan");
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan cannot be negative, got " + olderThan);
        }
        Instant cutoff = clock.instant().minus(olderThan);
        Watermark limit = limit();

        long inferences = 0;
        long boxes = 0;
        long reviews = 0;
        long images = 0;
        int batches = 0;
        long after = 0;
        while (true) {
            List<Long> ids = lake.inferencesCreatedBefore(cutoff, after, limit.inferenceId(), limit.reviewId(), options.batchSize());
            if (ids.isEmpty()) {
                break;
            }
            LakePurge.Deleted deleted = lake.deleteInferences(ids);
            inferences += deleted.inferences();
            boxes += deleted.boxes();
            reviews += deleted.reviews();
            batches++;
            after = ids.get(ids.size() - 1);
        }

        after = 0;
        while (true) {
            List<Long> ids = lake.unreferencedImagesFirstSeenBefore(cutoff, after, limit.imageId(), options.batchSize());
            if (ids.isEmpty()) {
                break;
            }
            images += lake.deleteUnreferencedImages(ids);
            batches++;
            after = ids.get(ids.size() - 1);
        }

        PurgeResult result = new PurgeResult(cutoff, limit, inferences, boxes, reviews, images, batches);
        log.info("Purge of rows created before {} up to {}: {} inferences, {} boxes, {} reviews, {} images", cutoff, limit, inferences, boxes, reviews, images);
        return result;
    }

    /** The backup's watermark, lowered to every other required stage's, each id on its own (the review id too). */
    private Watermark limit()
    {
        Watermark limit = watermarks.read(Backup.STAGE);
        for (String stage : options.alsoRequiredStages()) {
            Watermark other = watermarks.read(stage);
            limit = limit.min(other);
        }
        return limit;
    }
}
