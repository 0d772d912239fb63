package org.cxr.backup;

import org.cxr.lake.db.Database;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.pipeline.Watermarks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Deletes old rows from the relational lake once they are in a verified backup (the point of the backup: the database
 * costs more than S3). Opt-in; the image objects stay in S3, since the backup's rows refer to them.
 *
 * <p>First the inferences created before the cutoff whose ids are at most the backup watermark (their boxes go with
 * them, by the foreign key's cascade); then the images first seen before the cutoff, with ids at most the watermark,
 * that no inference refers to any more. One transaction per batch: a failure loses at most the batch in flight, whose
 * rows stay, and running again carries on.
 */
public final class Purge
{
    private static final Logger log = LoggerFactory.getLogger(Purge.class);

    private static final String OLD_INFERENCES = """
            SELECT id
            FROM inference
            WHERE id > :after AND id <= :lastId AND created_at < :cutoff
            ORDER BY id
            LIMIT :limit
            """;

    private static final String COUNT_BOXES = "SELECT COUNT(*) FROM predicted_box WHERE inference_id IN (:ids)";

    private static final String DELETE_INFERENCES = "DELETE FROM inference WHERE id IN (:ids)";

    private static final String UNREFERENCED_OLD_IMAGES = """
            SELECT m.id
            FROM image m
            WHERE m.id > :after AND m.id <= :lastId AND m.first_seen < :cutoff
              AND NOT EXISTS (SELECT 1 FROM inference i WHERE i.image_id = m.id)
            ORDER BY m.id
            LIMIT :limit
            """;

    // Checked again on delete: an upload of the same image may have added an inference since the SELECT.
    private static final String DELETE_UNREFERENCED_IMAGES = """
            DELETE FROM image
            WHERE id IN (:ids) AND NOT EXISTS (SELECT 1 FROM inference i WHERE i.image_id = image.id)
            """;

    private final Database database;
    private final PurgeConfig config;
    private final Clock clock;
    private final Watermarks watermarks;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public Purge(Database database, PurgeConfig config, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.config = requireNonNull(config, "config");
        this.clock = requireNonNull(clock, "clock");
        this.watermarks = new Watermarks(database, clock);
        this.jdbc = JdbcClient.create(database.dataSource());
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(database.dataSource()));
        transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
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
        Object cutoffValue = database.dialect().timestamp(cutoff);

        long inferences = 0;
        long boxes = 0;
        long images = 0;
        int batches = 0;
        long after = 0;
        while (true) {
            List<Long> ids = select(OLD_INFERENCES, after, limit.inferenceId(), cutoffValue);
            if (ids.isEmpty()) {
                break;
            }
            Deleted deleted = transactions.execute(status -> new Deleted(
                    jdbc.sql(COUNT_BOXES).param("ids", ids).query(Long.class).single(),
                    jdbc.sql(DELETE_INFERENCES).param("ids", ids).update()));
            inferences += deleted.rows();
            boxes += deleted.cascaded();
            batches++;
            after = ids.get(ids.size() - 1);
        }

        after = 0;
        while (true) {
            List<Long> ids = select(UNREFERENCED_OLD_IMAGES, after, limit.imageId(), cutoffValue);
            if (ids.isEmpty()) {
                break;
            }
            images += transactions.execute(status -> jdbc.sql(DELETE_UNREFERENCED_IMAGES).param("ids", ids).update());
            batches++;
            after = ids.get(ids.size() - 1);
        }

        PurgeResult result = new PurgeResult(cutoff, limit, inferences, boxes, images, batches);
        log.info("Purge of rows created before {} up to {}: {} inferences, {} boxes, {} images", cutoff, limit, inferences, boxes, images);
        return result;
    }

    /** The backup's watermark, lowered to every other required stage's. */
    private Watermark limit()
    {
        Watermark limit = watermarks.read(Backup.STAGE);
        for (String stage : config.alsoRequiredStages()) {
            Watermark other = watermarks.read(stage);
            limit = new Watermark(Math.min(limit.imageId(), other.imageId()), Math.min(limit.inferenceId(), other.inferenceId()));
        }
        return limit;
    }

    private List<Long> select(String sql, long after, long lastId, Object cutoff)
    {
        return jdbc.sql(sql)
                .param("after", after)
                .param("lastId", lastId)
                .param("cutoff", cutoff)
                .param("limit", config.batchSize())
                .query(Long.class)
                .list();
    }

    private record Deleted(long cascaded, int rows) {}
}
