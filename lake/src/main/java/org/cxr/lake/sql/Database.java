package org.cxr.lake.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The lake's relational database: one connection pool, one {@link JdbcClient} and one way to a transaction, for every
 * module. The lake's own tables are read and written by the lake's classes alone, which give other modules typed APIs
 * over them ({@link org.cxr.lake.Lake}, {@link org.cxr.lake.LakeRows}, ...); other modules use this handle for the
 * tables they own themselves (the application's users, tokens and audit log), and bring their migrations with them.
 */
public final class Database
        implements AutoCloseable
{
    // Concurrent uploads of one image can deadlock on its unique key (MySQL); the database rolls the loser back whole.
    private static final RetryTemplate CONCURRENCY_RETRIES = new RetryTemplate(RetryPolicy.builder()
            .includes(ConcurrencyFailureException.class)
            .maxRetries(4)
            .delay(Duration.ofMillis(10))
            // So that the transactions that collided do not collide again.
            .jitter(Duration.ofMillis(10))
            .multiplier(2)
            .build());

    private final HikariDataSource dataSource;
    private final SqlDialect dialect;
    private final JdbcTemplate jdbcTemplate;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final TransactionTemplate snapshots;

    private Database(HikariDataSource dataSource, SqlDialect dialect)
    {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        this.dialect = requireNonNull(dialect, "dialect");
        this.jdbcTemplate = new JdbcTemplate(dataSource);
        this.jdbc = JdbcClient.create(jdbcTemplate);
        DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
        this.transactions = new TransactionTemplate(manager);
        // Each statement sees what others committed before it: the SELECT after an insert-if-absent must find the row
        // a concurrent upload of the same image committed (MySQL's default, REPEATABLE READ, could hide it).
        transactions.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.snapshots = new TransactionTemplate(manager);
        snapshots.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshots.setReadOnly(true);
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

    /**
     * Brings the schema to the newest version: the lake's tables and those of the modules whose migration folders
     * are given (each a base such as {@code classpath:db/app}, holding a {@code postgresql} and a {@code mysql}
     * folder). Versions are one sequence across all folders. Safe to run on every start and from several processes.
     */
    public void migrate(List<String> moduleMigrations)
    {
        Migrations.migrate(this, moduleMigrations);
    }

    /** Brings the lake's own tables to the newest version. */
    public void migrate()
    {
        migrate(List.of());
    }

    public SqlDialect dialect()
    {
        return dialect;
    }

    /** The one client every module's queries go through; it joins the transaction of {@link #inTransaction}. */
    public JdbcClient jdbc()
    {
        return jdbc;
    }

    /** Runs one statement for each row of parameters, in batches the driver sends together. */
    public void batchUpdate(String sql, List<Object[]> rows)
    {
        if (!rows.isEmpty()) {
            jdbcTemplate.batchUpdate(sql, rows);
        }
    }

    /**
     * Inserts the rows in one batch and gives the {@code id} each got, in the rows' order: what an insert needs to answer
     * with what it wrote instead of reading it back.
     */
    public List<Long> batchInsert(String sql, List<Object[]> rows)
    {
        if (rows.isEmpty()) {
            return List.of();
        }
        KeyHolder keys = new GeneratedKeyHolder();
        jdbcTemplate.batchUpdate(connection -> connection.prepareStatement(sql, new String[] {"id"}), new BatchPreparedStatementSetter()
        {
            @Override
            public void setValues(PreparedStatement statement, int index)
                    throws SQLException
            {
                Object[] row = rows.get(index);
                for (int column = 0; column < row.length; column++) {
                    StatementCreatorUtils.setParameterValue(statement, column + 1, SqlTypeValue.TYPE_UNKNOWN, row[column]);
                }
            }

            @Override
            public int getBatchSize()
            {
                return rows.size();
            }
        }, keys);
        List<Map<String, Object>> generated = keys.getKeyList();
        if (generated.size() != rows.size()) {
            throw new IllegalStateException("the driver gave " + generated.size() + " generated ids for " + rows.size() + " rows");
        }
        // PostgreSQL names the key "id", MySQL and MariaDB drivers "GENERATED_KEY" or "insert_id": each map holds one.
        return generated.stream().map(key -> ((Number) key.values().iterator().next()).longValue()).toList();
    }

    /**
     * PostgreSQL only: loads the rows into the table's columns with {@code COPY}, in the current transaction (or
     * committed at once without one). Values are numbers, strings, booleans and what {@link SqlDialect#timestamp}
     * gives; null is SQL NULL.
     */
    public void copyIn(String table, String columns, List<Object[]> rows)
    {
        if (dialect != SqlDialect.POSTGRESQL) {
            throw new IllegalStateException("COPY is PostgreSQL's");
        }
        if (rows.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(rows.size() * 128);
        for (Object[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    text.append('\t');
                }
                copyValue(text, row[i]);
            }
            text.append('\n');
        }
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            new CopyManager(connection.unwrap(BaseConnection.class)).copyIn("COPY " + table + " (" + columns + ") FROM STDIN", new StringReader(text.toString()));
        }
        catch (SQLException e) {
            throw jdbcTemplate.getExceptionTranslator().translate("COPY " + table, null, e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("COPY into " + table + " failed", e);
        }
        finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }

    /** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
    private static void copyValue(StringBuilder text, Object value)
    {
        if (value == null) {
            text.append("\\N");
            return;
        }
        String string = value instanceof OffsetDateTime time ? time.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME) : value.toString();
        for (int i = 0; i < string.length(); i++) {
            char c = string.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
    }

    /**
     * Runs the work in one transaction (read committed): everything it writes through {@link #jdbc()} commits
     * together or not at all. Called inside a transaction, the work joins it. A transaction the database rolled back
     * for a deadlock or a lock timeout is run again, a few times: the work must therefore do nothing but database
     * work, since it may run more than once.
     */
    public <T> T inTransaction(Supplier<T> work)
    {
        requireNonNull(work, "work");
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // The outer transaction's owner decides about retries: a rolled-back inner part cannot be run again alone.
            return transactions.execute(status -> work.get());
        }
        return CONCURRENCY_RETRIES.invoke(() -> transactions.execute(status -> work.get()));
    }

    public void inTransaction(Runnable work)
    {
        requireNonNull(work, "work");
        inTransaction(() -> {
            work.run();
            return null;
        });
    }

    /** Runs read-only work on one consistent view (repeatable read): every query sees the same committed state. */
    public <T> T inSnapshot(Supplier<T> work)
    {
        requireNonNull(work, "work");
        return snapshots.execute(status -> work.get());
    }

    /** Whether a connection can be had and answers within the timeout. */
    public boolean isReachable(Duration timeout)
    {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(Math.toIntExact(Math.max(1, timeout.toSeconds())));
        }
        catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    /** The connection pool, for its metrics; queries go through {@link #jdbc()}. */
    public DataSource dataSource()
    {
        return dataSource;
    }

    @Override
    public void close()
    {
        dataSource.close();
    }
}
