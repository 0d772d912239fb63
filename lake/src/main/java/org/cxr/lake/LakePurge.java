package org.cxr.lake;

import org.cxr.lake.sql.Database;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Deletes old rows from the lake, a batch at a time: inferences with their reviews (review decisions and predicted
 * boxes go with them, by the foreign keys' cascades), then images that no inference refers to any more. Which rows may go is the caller's policy (only what a
 * verified backup holds); each batch is one transaction.
 */
public final class LakePurge
{
    private static final String OLD_INFERENCES = """
            SELECT id
            FROM inference
            WHERE id > :after AND id <= :lastId AND created_at < :cutoff
              AND NOT EXISTS (SELECT 1 FROM review r WHERE r.inference_id = inference.id AND r.id > :lastReviewId)
            ORDER BY id
            LIMIT :limit
            """;

    private static final String COUNT_REVIEWS = "SELECT COUNT(*) FROM review WHERE inference_id IN (:ids)";

    private static final String DELETE_REVIEWS = "DELETE FROM review WHERE inference_id IN (:ids)";

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

    public LakePurge(Database database)
    {
        this.database = requireNonNull(database, "database");
    }

    /** What one batch deleted: inferences, the boxes that went with them, and their reviews. */
    public record Deleted(int inferences, long boxes, long reviews) {}

    /**
     * Inferences with ids in (afterId, lastId] created before the cutoff, in id order, at most {@code limit}, none of
     * whose reviews has an id above {@code lastReviewId} (a review the policy does not cover keeps its inference).
     */
    public List<Long> inferencesCreatedBefore(Instant cutoff, long afterId, long lastId, long lastReviewId, int limit)
    {
        return database.jdbc().sql(OLD_INFERENCES)
                .param("after", afterId)
                .param("lastId", lastId)
                .param("lastReviewId", lastReviewId)
                .param("cutoff", database.dialect().timestamp(requireNonNull(cutoff, "cutoff")))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /** Deletes these inferences, their boxes and their reviews, in one transaction. */
    public Deleted deleteInferences(List<Long> ids)
    {
        if (ids.isEmpty()) {
            return new Deleted(0, 0, 0);
        }
        return database.inTransaction(() -> {
            long boxes = database.jdbc().sql(COUNT_BOXES).param("ids", ids).query(Long.class).single();
            long reviews = database.jdbc().sql(COUNT_REVIEWS).param("ids", ids).query(Long.class).single();
            database.jdbc().sql(DELETE_REVIEWS).param("ids", ids).update();
            return new Deleted(database.jdbc().sql(DELETE_INFERENCES).param("ids", ids).update(), boxes, reviews);
        });
    }

    /** Images with ids in (afterId, lastId] first seen before the cutoff that no inference refers to. */
    public List<Long> unreferencedImagesFirstSeenBefore(Instant cutoff, long afterId, long lastId, int limit)
    {
        return ids(UNREFERENCED_OLD_IMAGES, cutoff, afterId, lastId, limit);
    }

    /** Deletes those of these images that still no inference refers to; returns how many. */
    public int deleteUnreferencedImages(List<Long> ids)
    {
        if (ids.isEmpty()) {
            return 0;
        }
        return database.inTransaction(() -> database.jdbc().sql(DELETE_UNREFERENCED_IMAGES).param("ids", ids).update());
    }

    private List<Long> ids(String sql, Instant cutoff, long afterId, long lastId, int limit)
    {
        return database.jdbc().sql(sql)
                .param("after", afterId)
                .param("lastId", lastId)
                .param("cutoff", database.dialect().timestamp(requireNonNull(cutoff, "cutoff")))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }
}
