package org.cxr.lake.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import static java.time.ZoneOffset.UTC;

/** What differs between the two database families the lake runs on; everything else is the same SQL. */
public enum SqlDialect
{
    POSTGRESQL("postgresql", "SET TIME ZONE 'UTC'"),

    /** MySQL and MariaDB, e.g. Amazon RDS or Aurora MySQL. */
    MYSQL("mysql",
            // DATETIME carries no zone: the lake writes and reads it as UTC itself, and the session zone is pinned to UTC
            // too so that nothing evaluated on the server (NOW(), defaults, ad-hoc queries) can drift from it. Strict
            // mode turns silent truncation of over-long values into errors that roll the transaction back.
            "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");

    private final String migrationFolder;
    private final String sessionInitSql;

    SqlDialect(String migrationFolder, String sessionInitSql)
    {
        this.migrationFolder = migrationFolder;
        this.sessionInitSql = sessionInitSql;
    }

    public static SqlDialect fromJdbcUrl(String jdbcUrl)
    {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (jdbcUrl.startsWith("jdbc:mysql:") || jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:aws-wrapper:mysql:")) {
            return MYSQL;
        }
        throw new IllegalArgumentException("Unsupported JDBC URL (PostgreSQL, MySQL or MariaDB expected): " + redact(jdbcUrl));
    }

    /** The folder of this family's migrations under a module's migration base, e.g. {@code classpath:db/lake/postgresql}. */
    public String migrationLocation(String base)
    {
        return base + "/" + migrationFolder;
    }

    public String sessionInitSql()
    {
        return sessionInitSql;
    }

    /** The JDBC value of a UTC timestamp column, at the microsecond precision both databases keep. */
    public Object timestamp(Instant instant)
    {
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        return switch (this) {
            case POSTGRESQL -> OffsetDateTime.ofInstant(micros, UTC);
            case MYSQL -> LocalDateTime.ofInstant(micros, UTC);
        };
    }

    public Instant readTimestamp(ResultSet resultSet, String column)
            throws SQLException
    {
        return switch (this) {
            case POSTGRESQL -> resultSet.getObject(column, OffsetDateTime.class).toInstant();
            case MYSQL -> resultSet.getObject(column, LocalDateTime.class).toInstant(UTC);
        };
    }

    /**
     * SQL for a UTC timestamp column as a BIGINT of microseconds since 1970-01-01T00:00Z: a number that a reader outside
     * the lake (Spark's JDBC source) takes as it is, where a timestamp would pass through its own zone conversions
     * (MySQL's DATETIME has no zone). Exact at the microsecond on both families, on PostgreSQL before 14 too, where
     * {@code EXTRACT} gives a double.
     */
    public String epochMicros(String column)
    {
        return switch (this) {
            case POSTGRESQL -> "(FLOOR(EXTRACT(EPOCH FROM " + column + "))::bigint * 1000000 + MOD(EXTRACT(MICROSECONDS FROM " + column + ")::bigint, 1000000))";
            case MYSQL -> "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + column + ")";
        };
    }

    /** A nullable timestamp column: empty for SQL NULL. */
    public Optional<Instant> readOptionalTimestamp(ResultSet resultSet, String column)
            throws SQLException
    {
        return resultSet.getObject(column) == null ? Optional.empty() : Optional.of(readTimestamp(resultSet, column));
    }

    private static String redact(String jdbcUrl)
    {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?...";
    }
}
