package org.cxr.lake;

import org.cxr.lake.sql.Database;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What the lake's tables hold, for the tests of other modules: they compare rows before and after a backup, a restore
 * or a purge, and check what an upload stored (or did not), and only the lake's own code names its tables in SQL.
 */
public final class LakeTables
{
    private static final Set<String> TABLES = Set.of("image", "inference", "predicted_box", "review", "review_box", "model_version", "pipeline_watermark");

    private final Database database;

    public LakeTables(Database database)
    {
        this.database = requireNonNull(database, "database");
    }

    /** Every row of the table with every column, in id order. */
    public List<Map<String, Object>> rows(String table)
    {
        return database.jdbc().sql("SELECT * FROM " + known(table) + " ORDER BY id").query().listOfRows();
    }

    /** One column of every row of the table, in id order. */
    public <T> List<T> column(String table, String column, Class<T> type)
    {
        if (!column.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a column name: " + column);
        }
        return database.jdbc().sql("SELECT " + column + " FROM " + known(table) + " ORDER BY id").query(type).list();
    }

    public List<Long> ids(String table)
    {
        return column(table, "id", Long.class);
    }

    /** How many image rows have this content hash: one for an image the lake holds, since it stores each content once. */
    public long imagesWithHash(String sha256)
    {
        return count("SELECT COUNT(*) FROM image WHERE sha256 = ?", sha256);
    }

    /** How many inferences there are of the image with this content hash. */
    public long inferencesOfImage(String sha256)
    {
        return count("SELECT COUNT(*) FROM inference i JOIN image m ON m.id = i.image_id WHERE m.sha256 = ?", sha256);
    }

    /** How many predicted boxes the inference has (none for an inference that is not there). */
    public long boxCount(long inferenceId)
    {
        return count("SELECT COUNT(*) FROM predicted_box WHERE inference_id = ?", inferenceId);
    }

    /** Every inference's id with its number of predicted boxes (zero included), in id order. */
    public Map<Long, Integer> boxCounts()
    {
        Map<Long, Integer> boxes = new TreeMap<>();
        database.jdbc().sql("SELECT i.id, COUNT(b.id) FROM inference i LEFT JOIN predicted_box b ON b.inference_id = i.id GROUP BY i.id")
                .query(resultSet -> {
                    boxes.put(resultSet.getLong(1), resultSet.getInt(2));
                });
        return boxes;
    }

    /** How many inferences have no image row. */
    public long orphanInferences()
    {
        return count("SELECT COUNT(*) FROM inference i LEFT JOIN image m ON m.id = i.image_id WHERE m.id IS NULL");
    }

    /** Forgets the stage's run history (its rows of {@code pipeline_run}); returns how many runs were forgotten. */
    public int forgetRuns(String stage)
    {
        return database.jdbc().sql("DELETE FROM pipeline_run WHERE stage = ?").param(stage).update();
    }

    /** Empties the lake's tables and the stages' watermarks. */
    public void deleteAll()
    {
        database.inTransaction(() -> {
            for (String table : List.of("review_box", "review", "predicted_box", "inference", "image", "model_version", "pipeline_watermark")) {
                database.jdbc().sql("DELETE FROM " + table).update();
            }
        });
    }

    /** Forgets how far the stage has got: its next run starts from the beginning. */
    public int forgetWatermark(String stage)
    {
        return database.jdbc().sql("DELETE FROM pipeline_watermark WHERE stage = ?").param(stage).update();
    }

    private long count(String sql, Object... params)
    {
        return database.jdbc().sql(sql).params(params).query(Long.class).single();
    }

    private static String known(String table)
    {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a table of the lake: " + table);
        }
        return table;
    }
}
