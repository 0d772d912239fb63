package org.cxr.app.audit;

import org.cxr.app.audit.AuditEvent.Outcome;
import org.cxr.lake.sql.Database;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The audit table: events are appended, never changed, and read newest first. */
public final class AuditLog
{
    private final Database database;
    private final Clock clock;

    public AuditLog(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /** Which events a listing returns: all when empty; {@code beforeId} pages back from a previous page's last id. */
    public record Query(Optional<String> actor, Optional<String> action, Optional<Long> beforeId, int limit) {}

    public void append(String actor, String action, String target, Outcome outcome, String remoteAddress, String detail)
    {
        database.jdbc().sql("""
                        INSERT INTO audit_event (occurred_at, actor, action, target, outcome, remote_address, detail)
                        VALUES (:occurredAt, :actor, :action, :target, :outcome, :remoteAddress, :detail)
                        """)
                .param("occurredAt", database.dialect().timestamp(clock.instant()))
                .param("actor", clip(requireNonNull(actor, "actor"), 64))
                .param("action", clip(requireNonNull(action, "action"), 64))
                .param("target", clip(target, 300))
                .param("outcome", requireNonNull(outcome, "outcome").name())
                .param("remoteAddress", clip(remoteAddress, 64))
                .param("detail", clip(detail, 1000))
                .update();
    }

    /** Newest first. Only fixed SQL fragments are appended; every value is a bind parameter. */
    public List<AuditEvent> events(Query query)
    {
        StringBuilder sql = new StringBuilder("SELECT id, occurred_at, actor, action, target, outcome, remote_address, detail FROM audit_event WHERE 1 = 1");
        Map<String, Object> parameters = new HashMap<>();
        query.actor().ifPresent(actor -> {
            sql.append(" AND actor = :actor");
            parameters.put("actor", actor);
        });
        query.action().ifPresent(action -> {
            sql.append(" AND action = :action");
            parameters.put("action", action);
        });
        query.beforeId().ifPresent(id -> {
            sql.append(" AND id < :beforeId");
            parameters.put("beforeId", id);
        });
        sql.append(" ORDER BY id DESC LIMIT :limit");
        parameters.put("limit", query.limit());
        return database.jdbc().sql(sql.toString()).params(parameters).query((resultSet, row) -> event(resultSet)).list();
    }

    private AuditEvent event(ResultSet resultSet)
            throws SQLException
    {
        return new AuditEvent(resultSet.getLong("id"), database.dialect().readTimestamp(resultSet, "occurred_at"), resultSet.getString("actor"),
                resultSet.getString("action"), Optional.ofNullable(resultSet.getString("target")), Outcome.valueOf(resultSet.getString("outcome")),
                Optional.ofNullable(resultSet.getString("remote_address")), Optional.ofNullable(resultSet.getString("detail")));
    }

    private static String clip(String value, int length)
    {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
