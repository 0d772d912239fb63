package org.cxr.lake.pipeline;

import org.cxr.lake.sql.Database;
import org.cxr.lake.sql.SqlDialect;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The run history of the pipeline stages, and the lease that keeps a stage to one run at a time across every
 * instance of the application sharing this database.
 */
public final class PipelineRuns
{
    private static final int MAX_TEXT = 3900;

    private final Database database;
    private final Clock clock;

    public PipelineRuns(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Records a new run as RUNNING and returns its id. */
    public long start(String stage, String trigger)
    {
        KeyHolder keys = new GeneratedKeyHolder();
        database.jdbc().sql("INSERT INTO pipeline_run (stage, trigger_kind, status, started_at, attempts) VALUES (?, ?, 'RUNNING', ?, 0)")
                .params(stage, trigger, database.dialect().timestamp(clock.instant()))
                .update(keys, "id");
        return requireNonNull(keys.getKey(), "generated id").longValue();
    }

    public void attempt(long runId, int attempt)
    {
        database.jdbc().sql("UPDATE pipeline_run SET attempts = ? WHERE id = ?").params(attempt, runId).update();
    }

    public void succeed(long runId, long rowsRead, long rowsWritten, String detail)
    {
        database.jdbc().sql("UPDATE pipeline_run SET status = 'SUCCEEDED', finished_at = ?, rows_read = ?, rows_written = ?, detail = ? WHERE id = ?")
                .params(database.dialect().timestamp(clock.instant()), rowsRead, rowsWritten, truncate(detail, 8000), runId)
                .update();
    }

    public void fail(long runId, String error)
    {
        database.jdbc().sql("UPDATE pipeline_run SET status = 'FAILED', finished_at = ?, error = ? WHERE id = ?")
                .params(database.dialect().timestamp(clock.instant()), truncate(error, MAX_TEXT), runId)
                .update();
    }

    public Optional<PipelineRun> find(long runId)
    {
        return database.jdbc().sql("SELECT * FROM pipeline_run WHERE id = ?").param(runId).query(mapper()).optional();
    }

    /** Newest first; all stages when {@code stage} is empty. */
    public List<PipelineRun> recent(Optional<String> stage, int limit)
    {
        if (stage.isPresent()) {
            return database.jdbc().sql("SELECT * FROM pipeline_run WHERE stage = ? ORDER BY id DESC LIMIT ?").params(stage.get(), limit).query(mapper()).list();
        }
        return database.jdbc().sql("SELECT * FROM pipeline_run ORDER BY id DESC LIMIT ?").param(limit).query(mapper()).list();
    }

    /**
     * Takes the stage's lease for this run, or returns false when a live run (of any instance) holds it. An expired
     * lease (its holder died) is taken over.
     */
    public boolean tryLease(String stage, long runId, String holder, Duration ttl)
    {
        Object now = database.dialect().timestamp(clock.instant());
        Object expires = database.dialect().timestamp(clock.instant().plus(ttl));
        database.jdbc().sql("DELETE FROM pipeline_lease WHERE stage = ? AND expires_at < ?").params(stage, now).update();
        try {
            database.jdbc().sql("INSERT INTO pipeline_lease (stage, run_id, holder, expires_at) VALUES (?, ?, ?, ?)")
                    .params(stage, runId, truncate(holder, 200), expires)
                    .update();
            return true;
        }
        catch (org.springframework.dao.DuplicateKeyException e) {
            return false;
        }
    }

    /** The run holding the stage's lease, if any. */
    public Optional<Long> leaseHolder(String stage)
    {
        return database.jdbc().sql("SELECT run_id FROM pipeline_lease WHERE stage = ? AND expires_at >= ?")
                .params(stage, database.dialect().timestamp(clock.instant()))
                .query(Long.class)
                .optional();
    }

    /** Keeps the lease alive while a long run works. */
    public void renewLease(String stage, long runId, Duration ttl)
    {
        database.jdbc().sql("UPDATE pipeline_lease SET expires_at = ? WHERE stage = ? AND run_id = ?")
                .params(database.dialect().timestamp(clock.instant().plus(ttl)), stage, runId)
                .update();
    }

    public void releaseLease(String stage, long runId)
    {
        database.jdbc().sql("DELETE FROM pipeline_lease WHERE stage = ? AND run_id = ?").params(stage, runId).update();
    }

    private RowMapper<PipelineRun> mapper()
    {
        SqlDialect dialect = database.dialect();
        return (rs, row) -> new PipelineRun(
                rs.getLong("id"),
                rs.getString("stage"),
                rs.getString("trigger_kind"),
                PipelineRun.Status.valueOf(rs.getString("status")),
                dialect.readTimestamp(rs, "started_at"),
                dialect.readOptionalTimestamp(rs, "finished_at"),
                rs.getInt("attempts"),
                Optional.ofNullable((Long) rs.getObject("rows_read", Long.class)),
                Optional.ofNullable((Long) rs.getObject("rows_written", Long.class)),
                Optional.ofNullable(rs.getString("detail")),
                Optional.ofNullable(rs.getString("error")));
    }

    private static String truncate(String text, int max)
    {
        if (text == null) {
            return null;
        }
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
