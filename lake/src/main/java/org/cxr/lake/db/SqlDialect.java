package org.cxr.lake.db;

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
    POSTGRESQL("classpath:db/migration/postgresql", "SET TIME ZONE 'UTC'",
            """
            INSERT INTO image (sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen)
            VALUES (:sha256, :bucket, :objectKey, :originalFileName, :mediaType, :width, :height, :sizeBytes, :firstSeen)
            ON CONFLICT (sha256) DO NOTHING
            """),

    /** MySQL and MariaDB, e.g. Amazon RDS or Aurora MySQL. */
    MYSQL("classpath:db/migration/mysql",
            // DATETIME carries no zone: the lake writes and reads it as UTC itself, and the session zone is pinned to UTC
            // too so that nothing evaluated on the server (NOW(), defaults, ad-hoc queries) can drift from it. Strict
            // mode turns silent truncation of over-long values into errors that roll the transaction back.
            "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
            // Not INSERT IGNORE: it would also turn constraint and truncation errors into warnings.
            """
            INSERT INTO image (sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen)
            VALUES (:sha256, :bucket, :objectKey, :originalFileName, :mediaType, :width, :height, :sizeBytes, :firstSeen)
            ON DUPLICATE KEY UPDATE id = id
            """);

    private final String migrationLocation;
    private final String sessionInitSql;
    private final String insertImageIfAbsentSql;

    SqlDialect(String migrationLocation, String sessionInitSql, String insertImageIfAbsentSql)
    {
        this.migrationLocation = migrationLocation;
        this.sessionInitSql = sessionInitSql;
        this.insertImageIfAbsentSql = insertImageIfAbsentSql;
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

    public String migrationLocation()
    {
        return migrationLocation;
    }

    public String sessionInitSql()
    {
        return sessionInitSql;
    }

    /** Inserts an image row unless one with the same SHA-256 exists; safe when uploads of one image race. */
    public String insertImageIfAbsentSql()
    {
        return insertImageIfAbsentSql;
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
