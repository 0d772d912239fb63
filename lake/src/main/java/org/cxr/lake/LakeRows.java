package org.cxr.lake;

import org.cxr.lake.db.LakeColumns;
import org.cxr.lake.db.MetadataReader;
import org.cxr.lake.db.ModelRegistry;
import org.cxr.lake.db.ReviewStore;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * What the pipeline stages read of the lake: rows in id order, a bounded page at a time, as the lake's own records.
 * Ids are handed out in upload order, so a range of ids is a stretch of time; the stages keep their place with
 * watermarks of ids ({@link Watermark}).
 */
public final class LakeRows
{
    private static final String IMAGES = "SELECT " + LakeColumns.image("m") + """

            FROM image m
            WHERE m.id > :after AND m.id <= :last AND m.first_seen >= :from AND m.first_seen < :to
            ORDER BY m.id
            LIMIT :limit
            """;

    private static final String INFERENCES_WITH_IMAGES = "SELECT " + LakeColumns.inference("i") + ", " + LakeColumns.image("m") + """

            FROM inference i
            JOIN image m ON m.id = i.image_id
            WHERE i.id > :after AND i.id <= :last AND i.created_at >= :from AND i.created_at < :to
            ORDER BY i.id
            LIMIT :limit
            """;

    private static final String BOXES_OF_INFERENCES = "SELECT " + LakeColumns.box("b") + """

            FROM predicted_box b
            WHERE b.inference_id >= :first AND b.inference_id <= :last
            ORDER BY b.inference_id, b.id
            """;

    private static final String REVIEWS_WITH_IMAGES = "SELECT " + LakeColumns.review("r") + ", " + LakeColumns.image("m") + """

            FROM review r
            JOIN inference i ON i.id = r.inference_id
            JOIN image m ON m.id = i.image_id
            WHERE r.id > :after AND r.id <= :last AND r.reviewed_at >= :from AND r.reviewed_at < :to
            ORDER BY r.id
            LIMIT :limit
            """;

    // Stored times span the years 1000 to 9999 in both databases (MySQL's DATETIME); these bound "any time".
    private static final Instant EARLIEST = Instant.parse("1000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final Database database;
    private final SqlDialect dialect;
    private final LakeColumns columns;
    private final ModelRegistry models;
    private final ReviewStore reviews;

    public LakeRows(Database database)
    {
        this.database = requireNonNull(database, "database");
        this.dialect = database.dialect();
        this.columns = new LakeColumns(dialect);
        this.models = new ModelRegistry(database, Clock.systemUTC());
        this.reviews = new ReviewStore(database, new MetadataReader(database), models);
    }

    /** The tables a stage takes ranges of rows from, with the column that dates their rows. */
    public enum Table
    {
        IMAGE("image", "first_seen"),
        INFERENCE("inference", "created_at"),
        REVIEW("review", "reviewed_at");

        private final String name;
        private final String timeColumn;

        Table(String name, String timeColumn)
        {
            this.name = name;
            this.timeColumn = timeColumn;
        }
    }

    /** A row's id and the time that dates it (an image's first upload, an inference's creation). */
    public record RowTime(long id, Instant time)
    {
        public RowTime
        {
            requireNonNull(time, "time");
        }
    }

    /** Ids and times of the table's rows with ids in (afterId, lastId], in id order, at most {@code limit}. */
    public List<RowTime> rowTimes(Table table, long afterId, long lastId, int limit)
    {
        requireNonNull(table, "table");
        return database.jdbc().sql("SELECT id, %s AS dated FROM %s WHERE id > :after AND id <= :last ORDER BY id LIMIT :limit".formatted(table.timeColumn, table.name))
                .param("after", afterId)
                .param("last", lastId)
                .param("limit", limit)
                .query((resultSet, row) -> new RowTime(resultSet.getLong("id"), dialect.readTimestamp(resultSet, "dated")))
                .list();
    }

    /**
     * Where a stage that takes only settled rows ends now, without reading the rows: the highest id after
     * {@code afterId} below the first row (in id order) dated at or after {@code cutoff}, or {@code afterId} when there
     * is none. The same end as paging through {@link #settledInferences} (or {@link #settledReviews}) until its last page.
     */
    public long lastSettledId(Table table, long afterId, Instant cutoff)
    {
        requireNonNull(table, "table");
        requireNonNull(cutoff, "cutoff");
        return database.inSnapshot(() -> {
            Long young = database.jdbc().sql("SELECT MIN(id) FROM %s WHERE id > :after AND %s >= :cutoff".formatted(table.name, table.timeColumn))
                    .param("after", afterId)
                    .param("cutoff", dialect.timestamp(cutoff))
                    .query(Long.class)
                    .optional()
                    .orElse(null);
            return highestIdBelow(table, afterId, young);
        });
    }

    /**
     * As {@link #lastSettledId} for reviews, also ending before the first review of an inference above
     * {@code lastInferenceId}: a stage takes a review only once it holds the review's inference.
     */
    public long lastSettledReviewId(long afterId, Instant cutoff, long lastInferenceId)
    {
        requireNonNull(cutoff, "cutoff");
        return database.inSnapshot(() -> {
            Long stop = database.jdbc().sql("SELECT MIN(id) FROM review WHERE id > :after AND (reviewed_at >= :cutoff OR inference_id > :lastInference)")
                    .param("after", afterId)
                    .param("cutoff", dialect.timestamp(cutoff))
                    .param("lastInference", lastInferenceId)
                    .query(Long.class)
                    .optional()
                    .orElse(null);
            return highestIdBelow(Table.REVIEW, afterId, stop);
        });
    }

    private long highestIdBelow(Table table, long afterId, Long stop)
    {
        Long highest = stop == null
                ? database.jdbc().sql("SELECT MAX(id) FROM %s WHERE id > ?".formatted(table.name)).param(afterId).query(Long.class).optional().orElse(null)
                : database.jdbc().sql("SELECT MAX(id) FROM %s WHERE id > ? AND id < ?".formatted(table.name)).params(afterId, stop).query(Long.class).optional().orElse(null);
        return highest == null ? afterId : highest;
    }

    /** Images with ids in (afterId, lastId] first seen in [from, to), in id order, at most {@code limit}. */
    public List<ImageRecord> images(long afterId, long lastId, Instant from, Instant to, int limit)
    {
        return database.jdbc().sql(IMAGES)
                .param("after", afterId)
                .param("last", lastId)
                .param("from", dialect.timestamp(requireNonNull(from, "from")))
                .param("to", dialect.timestamp(requireNonNull(to, "to")))
                .param("limit", limit)
                .query((resultSet, row) -> columns.image(resultSet))
                .list();
    }

    /**
     * Inferences with ids in (afterId, lastId] created in [from, to), in id order, at most {@code limit}, each with its
     * image and its boxes (in box id order), all read from one consistent snapshot.
     */
    public List<StoredInference> inferences(long afterId, long lastId, Instant from, Instant to, int limit)
    {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        return database.inSnapshot(() -> withBoxes(inferencesWithImages(afterId, lastId, from, to, limit)));
    }

    /**
     * The inferences after {@code afterId} in id order, at most {@code limit}, up to (not including) the first one
     * created at or after {@code cutoff}, with their images and boxes. Ids are handed out before transactions commit,
     * so a higher id can be visible while a lower one is still being written; stopping at the first row that is too
     * young, rather than skipping it, keeps a stage's watermark from passing a row that will appear later.
     */
    public SettledPage settledInferences(long afterId, int limit, Instant cutoff)
    {
        requireNonNull(cutoff, "cutoff");
        return database.inSnapshot(() -> {
            List<StoredInference> rows = inferencesWithImages(afterId, Long.MAX_VALUE, EARLIEST, LATEST, limit);
            List<StoredInference> settled = settled(rows, StoredInference::createdAt, cutoff);
            return new SettledPage(withBoxes(settled), settled.size() < rows.size() || rows.size() < limit);
        });
    }

    /** Settled inferences in id order; {@code last} says that no settled inference follows them now. */
    public record SettledPage(List<StoredInference> inferences, boolean last)
    {
        public SettledPage
        {
            inferences = List.copyOf(requireNonNull(inferences, "inferences"));
        }
    }

    /**
     * Reviews with ids in (afterId, lastId] made in [from, to), in id order, at most {@code limit}, each with its
     * decisions and the image of its inference, from one consistent snapshot.
     */
    public List<ReviewOfImage> reviews(long afterId, long lastId, Instant from, Instant to, int limit)
    {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        return database.inSnapshot(() -> withDecisions(reviewsWithImages(afterId, lastId, from, to, limit)));
    }

    /**
     * The reviews after {@code afterId} in id order, at most {@code limit}, up to (not including) the first one made
     * at or after {@code cutoff}: as {@link #settledInferences}, so a stage never passes a review still being written.
     */
    public SettledReviews settledReviews(long afterId, int limit, Instant cutoff)
    {
        requireNonNull(cutoff, "cutoff");
        return database.inSnapshot(() -> {
            List<ReviewOfImage> rows = reviewsWithImages(afterId, Long.MAX_VALUE, EARLIEST, LATEST, limit);
            List<ReviewOfImage> settled = settled(rows, row -> row.review().reviewedAt(), cutoff);
            return new SettledReviews(withDecisions(settled), settled.size() < rows.size() || rows.size() < limit);
        });
    }

    /** A review with its decisions, and the image its inference is of (where a warehouse keeps it). */
    public record ReviewOfImage(StoredReview review, ImageRecord image)
    {
        public ReviewOfImage
        {
            requireNonNull(review, "review");
            requireNonNull(image, "image");
        }
    }

    /** Settled reviews in id order; {@code last} says that no settled review follows them now. */
    public record SettledReviews(List<ReviewOfImage> reviews, boolean last)
    {
        public SettledReviews
        {
            reviews = List.copyOf(requireNonNull(reviews, "reviews"));
        }
    }

    /** How many rows the lake holds, and how many of them lie within a watermark. */
    public LakeCounts counts()
    {
        return countsUpTo(new Watermark(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE));
    }

    /**
     * Images with ids up to the watermark's image id; inferences up to its inference id, the boxes of those
     * inferences, and the distinct images those inferences are of; reviews up to its review id and their decisions.
     */
    public LakeCounts countsUpTo(Watermark watermark)
    {
        requireNonNull(watermark, "watermark");
        return database.inSnapshot(() -> new LakeCounts(
                count("SELECT COUNT(*) FROM image WHERE id <= ?", watermark.imageId()),
                count("SELECT COUNT(*) FROM inference WHERE id <= ?", watermark.inferenceId()),
                count("SELECT COUNT(*) FROM predicted_box WHERE inference_id <= ?", watermark.inferenceId()),
                count("SELECT COUNT(DISTINCT image_id) FROM inference WHERE id <= ?", watermark.inferenceId()),
                count("SELECT COUNT(*) FROM review WHERE id <= ?", watermark.reviewId()),
                count("SELECT COUNT(*) FROM review_box WHERE review_id <= ?", watermark.reviewId())));
    }

    /** Every registered model, oldest first. */
    public List<ModelVersion> models()
    {
        return models.all();
    }

    private long count(String sql, long upTo)
    {
        return database.jdbc().sql(sql).param(upTo).query(Long.class).single();
    }

    private List<StoredInference> inferencesWithImages(long afterId, long lastId, Instant from, Instant to, int limit)
    {
        return database.jdbc().sql(INFERENCES_WITH_IMAGES)
                .param("after", afterId)
                .param("last", lastId)
                .param("from", dialect.timestamp(from))
                .param("to", dialect.timestamp(to))
                .param("limit", limit)
                .query((resultSet, row) -> new StoredInference(columns.inference(resultSet), columns.image(resultSet), List.of()))
                .list();
    }

    /** The rows up to (not including) the first one dated at or after the cutoff. */
    private static <T> List<T> settled(List<T> rows, Function<T, Instant> dated, Instant cutoff)
    {
        List<T> settled = new ArrayList<>(rows.size());
        for (T row : rows) {
            if (!dated.apply(row).isBefore(cutoff)) {
                break;
            }
            settled.add(row);
        }
        return settled;
    }

    private List<ReviewOfImage> reviewsWithImages(long afterId, long lastId, Instant from, Instant to, int limit)
    {
        return database.jdbc().sql(REVIEWS_WITH_IMAGES)
                .param("after", afterId)
                .param("last", lastId)
                .param("from", dialect.timestamp(from))
                .param("to", dialect.timestamp(to))
                .param("limit", limit)
                .query((resultSet, row) -> new ReviewOfImage(new StoredReview(columns.review(resultSet), List.of()), columns.image(resultSet)))
                .list();
    }

    private List<ReviewOfImage> withDecisions(List<ReviewOfImage> page)
    {
        List<StoredReview> complete = reviews.withBoxes(page.stream().map(row -> row.review().review()).toList());
        List<ReviewOfImage> rows = new ArrayList<>(page.size());
        for (int i = 0; i < page.size(); i++) {
            rows.add(new ReviewOfImage(complete.get(i), page.get(i).image()));
        }
        return rows;
    }

    /** The page's boxes with one query over the range of its inference ids (the order of the box table's index). */
    private List<StoredInference> withBoxes(List<StoredInference> page)
    {
        if (page.isEmpty()) {
            return page;
        }
        Map<Long, List<BoxRecord>> boxes = new HashMap<>();
        database.jdbc().sql(BOXES_OF_INFERENCES)
                .param("first", page.get(0).id())
                .param("last", page.get(page.size() - 1).id())
                .query(resultSet -> {
                    BoxRecord box = columns.box(resultSet);
                    boxes.computeIfAbsent(box.inferenceId(), id -> new ArrayList<>()).add(box);
                });
        return page.stream()
                .map(inference -> new StoredInference(inference.inference(), inference.image(), boxes.getOrDefault(inference.id(), List.of())))
                .toList();
    }
}
