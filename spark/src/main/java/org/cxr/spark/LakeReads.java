package org.cxr.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.cxr.lake.LakeRangeQueries.RangeQuery;
import org.cxr.lake.sql.SqlDialect;

import static java.util.Objects.requireNonNull;

/**
 * The lake's range queries read with Spark's JDBC source: each range split into {@code jdbcPartitions} ranges of the
 * query's id column, at most {@code jdbcConnections} of them read at once. The SQL is the lake's
 * ({@link org.cxr.lake.LakeRangeQueries}); this class only says how Spark splits it.
 */
final class LakeReads
{
    private static final int FETCH_SIZE = 2000;

    private final SparkSession spark;
    private final SparkSettings settings;

    LakeReads(SparkSession spark, SparkSettings settings)
    {
        this.spark = requireNonNull(spark, "spark");
        this.settings = requireNonNull(settings, "settings");
    }

    Dataset<Row> read(RangeQuery query)
    {
        requireNonNull(query, "query");
        SqlDialect dialect = settings.dialect();
        long span = query.lastId() - query.afterId();
        int ranges = (int) Math.max(1, Math.min(settings.jdbcPartitions(), span));
        var reader = spark.read().format("jdbc")
                .option("url", settings.databaseUrl())
                .option("driver", driverClass(settings.databaseUrl()))
                .option("user", settings.databaseUsername())
                .option("dbtable", query.derivedTable())
                .option("partitionColumn", query.partitionColumn())
                // Spark's bounds only place the strides; the query itself keeps to (afterId, lastId].
                .option("lowerBound", Long.toString(query.afterId() + 1))
                .option("upperBound", Long.toString(query.lastId() + 1))
                .option("numPartitions", Integer.toString(ranges))
                // PostgreSQL streams a result only with a fetch size (Spark turns autocommit off for it); MySQL's drivers
                // use it as a hint.
                .option("fetchsize", Integer.toString(FETCH_SIZE))
                // The lake's session settings: UTC, and MySQL's strict mode, as every connection of the lake has them.
                .option("sessionInitStatement", dialect.sessionInitSql());
        settings.databasePassword().ifPresent(password -> reader.option("password", password));
        Dataset<Row> rows = reader.load();
        // Ranges beyond the connections are read one after another by the same tasks.
        return ranges > settings.jdbcConnections() ? rows.coalesce(settings.jdbcConnections()) : rows;
    }

    /** Spark registers the driver itself on every executor; the class path of a submitted jar is not DriverManager's. */
    static String driverClass(String jdbcUrl)
    {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        if (jdbcUrl.startsWith("jdbc:mariadb:")) {
            return "org.mariadb.jdbc.Driver";
        }
        if (jdbcUrl.startsWith("jdbc:mysql:")) {
            return "com.mysql.cj.jdbc.Driver";
        }
        throw new IllegalArgumentException("No JDBC driver for Spark's reads of " + jdbcUrl.replaceAll("\\?.*", "?...")
                + " (PostgreSQL, MySQL or MariaDB URLs)");
    }
}
