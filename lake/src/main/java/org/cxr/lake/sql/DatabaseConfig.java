package org.cxr.lake.sql;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** How to reach the metadata database; the dialect follows from the JDBC URL. */
public record DatabaseConfig(String jdbcUrl, String user, Optional<String> password, int maxPoolSize)
{
    public static final int DEFAULT_MAX_POOL_SIZE = 10;

    public DatabaseConfig
    {
        requireNonNull(jdbcUrl, "jdbcUrl");
        requireNonNull(user, "user");
        requireNonNull(password, "password");
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be positive, got " + maxPoolSize);
        }
        SqlDialect.fromJdbcUrl(jdbcUrl);
    }

    public static DatabaseConfig of(String jdbcUrl, String user, String password)
    {
        return new DatabaseConfig(jdbcUrl, user, Optional.ofNullable(password), DEFAULT_MAX_POOL_SIZE);
    }

    public SqlDialect dialect()
    {
        return SqlDialect.fromJdbcUrl(jdbcUrl);
    }

    @Override
    public String toString()
    {
        return "DatabaseConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", password=" + (password.isPresent() ? "***" : "none") + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
