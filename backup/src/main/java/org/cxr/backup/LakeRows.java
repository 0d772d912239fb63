package org.cxr.backup;

import org.cxr.lake.db.Database;
import org.cxr.lake.db.SqlDialect;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static java.time.ZoneOffset.UTC;
import static java.util.Objects.requireNonNull;

/**
 * Reads the lake's rows a page at a time with keyset queries on the primary key, so that memory holds one page
 * whatever the size of the range.
 *
 * <p>A run first scans the ids and ingest times of its range, which gives each ingest date's lowest and highest id;
 * then it reads each date's rows between those ids. Ids and ingest times rise together (both come from the upload), so
 * a date's rows sit together in the id order and each row is visited about twice, with no index on the times.
 */
final class LakeRows
{
    private static final String IMAGE_COLUMNS = "m.id, m.sha256, m.bucket, m.object_key, m.original_file_name, m.media_type, m.width, m.height, m.size_bytes, m.first_seen";

    private static final String IMAGES_OF_DAY = """
            SELECT %s
            FROM image m
            WHERE m.id > :after AND m.id <= :last AND m.first_seen >= :dayStart AND m.first_seen < :dayEnd
            ORDER BY m.id
            LIMIT :limit
            """.formatted(IMAGE_COLUMNS);

    private static final String INFERENCES_OF_DAY = """
            SELECT i.id AS inference_id, i.image_id, i.created_at, i.confidence_threshold, i.nms_iou_threshold, i.model_name, i.model_version, i.duration_ms, i.user_name,
                   %s
            FROM inference i
            JOIN image m ON m.id = i.image_id
            WHERE i.id > :after AND i.id <= :last AND i.created_at >= :dayStart AND i.created_at < :dayEnd
            ORDER BY i.id
            LIMIT :limit
            """.formatted(IMAGE_COLUMNS);

    private static final String BOXES_OF_INFERENCES = """
            SELECT id, inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max
            FROM predicted_box
            WHERE inference_id IN (:inferenceIds)
            ORDER BY inference_id, id
            """;

    private final JdbcClient jdbc;
    private final SqlDialect dialect;
    private final int pageSize;

    LakeRows(Database database, int pageSize)
    {
        requireNonNull(database, "database");
        this.jdbc = JdbcClient.create(database.dataSource());
        this.dialect = database.dialect();
        this.pageSize = pageSize;
    }

    /**
     * The table's rows with an id above {@code afterId} and at most {@code lastId}, grouped by ingest date. With a
     * {@code stopAt} time the scan ends before the first row (in id order) ingested at or after it: a row with a lower id
     * but a later commit may still be on its way, and the range must not skip it.
     */
    TableScan scan(Table table, long afterId, long lastId, Optional<Instant> stopAt)
    {
        String sql = "SELECT id, %s AS ingested FROM %s WHERE id > :after AND id <= :last ORDER BY id LIMIT :limit".formatted(table.ingestColumn, table.name);
        Map<LocalDate, DayRange> days = new TreeMap<>();
        long after = afterId;
        while (true) {
            List<IdAndTime> page = jdbc.sql(sql)
                    .param("after", after)
                    .param("last", lastId)
                    .param("limit", pageSize)
                    .query((resultSet, row) -> new IdAndTime(resultSet.getLong("id"), dialect.readTimestamp(resultSet, "ingested")))
                    .list();
            for (IdAndTime row : page) {
                if (stopAt.isPresent() && !row.time().isBefore(stopAt.get())) {
                    return new TableScan(after, List.copyOf(days.values()));
                }
                LocalDate date = LocalDate.ofInstant(row.time(), UTC);
                days.merge(date, new DayRange(date, row.id(), row.id(), 1), (known, added) -> known.plus(row.id()));
                after = row.id();
            }
            if (page.size() < pageSize) {
                return new TableScan(after, List.copyOf(days.values()));
            }
        }
    }

    void forEachImage(DayRange day, Consumer<ImageRow> consumer)
    {
        long after = day.firstId() - 1;
        while (true) {
            List<ImageRow> page = jdbc.sql(IMAGES_OF_DAY)
                    .params(dayParameters(day, after))
                    .query((resultSet, row) -> image(resultSet, "id"))
                    .list();
            page.forEach(consumer);
            if (page.size() < pageSize) {
                return;
            }
            after = page.get(page.size() - 1).id();
        }
    }

    /** Each inference of the date in id order, with its image and its boxes (in id order). */
    void forEachInference(DayRange day, Consumer<InferenceDetail> consumer)
    {
        long after = day.firstId() - 1;
        while (true) {
            List<InferenceAndImage> page = jdbc.sql(INFERENCES_OF_DAY)
                    .params(dayParameters(day, after))
                    .query((resultSet, row) -> new InferenceAndImage(inference(resultSet), image(resultSet, "image_id")))
                    .list();
            if (page.isEmpty()) {
                return;
            }
            Map<Long, List<BoxRow>> boxes = boxes(page.stream().map(row -> row.inference().id()).toList());
            for (InferenceAndImage row : page) {
                consumer.accept(new InferenceDetail(row.inference(), row.image(), boxes.getOrDefault(row.inference().id(), List.of())));
            }
            if (page.size() < pageSize) {
                return;
            }
            after = page.get(page.size() - 1).inference().id();
        }
    }

    private Map<Long, List<BoxRow>> boxes(List<Long> inferenceIds)
    {
        return jdbc.sql(BOXES_OF_INFERENCES)
                .param("inferenceIds", inferenceIds)
                .query((resultSet, row) -> new BoxRow(
                        resultSet.getLong("id"),
                        resultSet.getLong("inference_id"),
                        resultSet.getInt("class_id"),
                        resultSet.getString("class_name"),
                        resultSet.getDouble("score"),
                        resultSet.getDouble("x_min"),
                        resultSet.getDouble("y_min"),
                        resultSet.getDouble("x_max"),
                        resultSet.getDouble("y_max")))
                .list()
                .stream()
                .collect(Collectors.groupingBy(BoxRow::inferenceId));
    }

    private Map<String, Object> dayParameters(DayRange day, long after)
    {
        Instant dayStart = day.date().atStartOfDay(UTC).toInstant();
        return Map.of(
                "after", after,
                "last", day.lastId(),
                "dayStart", dialect.timestamp(dayStart),
                "dayEnd", dialect.timestamp(dayStart.plus(Duration.ofDays(1))),
                "limit", pageSize);
    }

    private ImageRow image(ResultSet resultSet, String idColumn)
            throws SQLException
    {
        return new ImageRow(
                resultSet.getLong(idColumn),
                resultSet.getString("sha256"),
                resultSet.getString("bucket"),
                resultSet.getString("object_key"),
                resultSet.getString("original_file_name"),
                resultSet.getString("media_type"),
                resultSet.getInt("width"),
                resultSet.getInt("height"),
                resultSet.getLong("size_bytes"),
                dialect.readTimestamp(resultSet, "first_seen"));
    }

    private InferenceRow inference(ResultSet resultSet)
            throws SQLException
    {
        return new InferenceRow(
                resultSet.getLong("inference_id"),
                resultSet.getLong("image_id"),
                dialect.readTimestamp(resultSet, "created_at"),
                resultSet.getDouble("confidence_threshold"),
                resultSet.getDouble("nms_iou_threshold"),
                resultSet.getString("model_name"),
                resultSet.getString("model_version"),
                resultSet.getLong("duration_ms"),
                Optional.ofNullable(resultSet.getString("user_name")));
    }

    /** The two tables a run takes its range from, with the column that dates their rows. */
    enum Table
    {
        IMAGE("image", "first_seen"),
        INFERENCE("inference", "created_at");

        private final String name;
        private final String ingestColumn;

        Table(String name, String ingestColumn)
        {
            this.name = name;
            this.ingestColumn = ingestColumn;
        }
    }

    private record IdAndTime(long id, Instant time) {}

    private record InferenceAndImage(InferenceRow inference, ImageRow image) {}
}
