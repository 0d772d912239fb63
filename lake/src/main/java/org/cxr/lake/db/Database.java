package org.cxr.lake.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

import static java.util.Objects.requireNonNull;

/** A connection pool to the metadata database, with every session set up the same way. */
public final class Database
        implements AutoCloseable
{
    private final HikariDataSource dataSource;
    private final SqlDialect dialect;
    private final JdbcClient jdbcClient;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;

    private Database(HikariDataSource dataSource, SqlDialect dialect)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.dialect = requireNonNull(dialect, "dialect");
        this.jdbcTemplate = new JdbcTemplate(dataSource);
        this.jdbcClient = JdbcClient.create(jdbcTemplate);
        this.transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        // Each statement sees what others committed before it: the SELECT after an insert-if-absent must find the row
        // a concurrent upload of the same image committed (MySQL's default, REPEATABLE READ, could hide it).
        transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
    }

    public static Database connect(DatabaseConfig config)
    {
        SqlDialect dialect = config.dialect();
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("cxr-lake");
        hikari.setJdbcUrl(config.jdbcUrl());
        hikari.setUsername(config.user());
        config.password().ifPresent(hikari::setPassword);
        hikari.setMaximumPoolSize(config.maxPoolSize());
        // A database that is down should answer an upload with 503 within seconds, not after Hikari's default 30 s.
        hikari.setConnectionTimeout(5_000);
        hikari.setConnectionInitSql(dialect.sessionInitSql());
        if (dialect == SqlDialect.MYSQL) {
            // Both MySQL drivers otherwise report "rows found", so an insert-if-absent that found the row would look
            // like one that inserted it.
            hikari.addDataSourceProperty("useAffectedRows", "true");
        }
        return new Database(new HikariDataSource(hikari), dialect);
    }

    /** Brings the schema to the newest version; safe to run on every start and from several processes at once. */
    public void migrate()
    {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.migrationLocation())
                .load()
                .migrate();
    }

    public DataSource dataSource()
    {
        return dataSource;
    }

    public SqlDialect dialect()
    {
        return dialect;
    }

    JdbcClient jdbcClient()
    {
        return jdbcClient;
    }

    JdbcTemplate jdbcTemplate()
    {
        return jdbcTemplate;
    }

    TransactionTemplate transactions()
    {
        return transactions;
    }

    @Override
    public void close()
    {
        dataSource.close();
    }
}
