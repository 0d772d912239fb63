package org.cxr.lake;

import org.cxr.lake.sql.Database;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * What the lake's tables hold, for the tests of other modules: they compare rows before and after a backup, a restore
 * or a purge, and only the lake's own code names its tables in SQL.
 */
public final class LakeTables
{
    private static final Set<String> TABLES = Set.of("image", "inference", "predicted_box", "model_version", "pipeline_watermark");

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

    /** Empties the lake's tables and the stages' watermarks. */
    public void deleteAll()
    {
        database.inTransaction(() -> {
            for (String table : List.of("predicted_box", "inference", "image", "model_version", "pipeline_watermark")) {
                database.jdbc().sql("DELETE FROM " + table).update();
            }
        });
    }

    /** Forgets how far the stage has got: its next run starts from the beginning. */
    public int forgetWatermark(String stage)
    {
        return database.jdbc().sql("DELETE FROM pipeline_watermark WHERE stage = ?").param(stage).update();
    }

    private static String known(String table)
    {
        if (!TABLES.contains(table)) {
            throw new IllegalArgumentException("not a table of the lake: " + table);
        }
        return table;
    }
}
