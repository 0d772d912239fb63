package org.cxr.app.security;

import org.cxr.lake.errors.NotFoundException;
import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.errors.ConflictException;
import org.cxr.lake.sql.Database;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** The users table and their roles, in the lake's database. Passwords arrive here already hashed. */
public final class Accounts
{
    private static final String USER_COLUMNS = "u.id, u.username, u.password_hash, u.enabled, u.created_at, u.locked_until";
    private static final String SELECT_USERS = "SELECT " + USER_COLUMNS + " FROM app_user u";
    /** What a query over {@code app_user u LEFT JOIN app_user_role r} selects for {@link #single} to read its user. */
    static final String ACCOUNT_COLUMNS = USER_COLUMNS + ", r.role";
    private static final String SELECT_USERS_WITH_ROLES = "SELECT " + ACCOUNT_COLUMNS + " FROM app_user u LEFT JOIN app_user_role r ON r.user_id = u.id";

    private final Database database;
    private final Clock clock;

    public Accounts(Database database, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.clock = requireNonNull(clock, "clock");
    }

    /** An account with the hash its password must match. */
    public record Credentials(Account account, String passwordHash) {}

    public long count()
    {
        return database.jdbc().sql("SELECT COUNT(*) FROM app_user").query(Long.class).single();
    }

    public Optional<Credentials> credentials(String username)
    {
        return single(database.jdbc().sql(SELECT_USERS_WITH_ROLES + " WHERE u.username = :username").param("username", username), (resultSet, row) -> true)
                .map(Found::credentials);
    }

    /** A user read by {@link #single}, with what the query's caller read from the same row. */
    record Found<T>(Credentials credentials, T extra) {}

    /**
     * The one user in the rows of {@code query}, which selects {@link #ACCOUNT_COLUMNS} (a row per role), and what
     * {@code extra} reads from its first row. The roles come in the same query: every API request signs in through
     * here, so a second round trip counts.
     */
    <T> Optional<Found<T>> single(JdbcClient.StatementSpec query, RowMapper<T> extra)
    {
        Map<Row, Set<Role>> found = new LinkedHashMap<>();
        List<T> extras = new java.util.ArrayList<>(1);
        query.query(resultSet -> {
            Set<Role> roles = found.computeIfAbsent(row(resultSet), any -> EnumSet.noneOf(Role.class));
            if (extras.isEmpty()) {
                extras.add(extra.mapRow(resultSet, 0));
            }
            String role = resultSet.getString("role");
            if (role != null) {
                roles.add(Role.valueOf(role));
            }
        });
        return found.entrySet().stream().findFirst()
                .map(entry -> new Found<>(new Credentials(entry.getKey().account(entry.getValue()), entry.getKey().passwordHash()), extras.get(0)));
    }

    public Optional<Account> find(String username)
    {
        return credentials(username).map(Credentials::account);
    }

    /** Every user, by name. */
    public List<Account> all()
    {
        List<Row> rows = database.jdbc().sql(SELECT_USERS + " ORDER BY u.username")
                .query((resultSet, row) -> row(resultSet))
                .list();
        Map<Long, Set<Role>> roles = roles(rows.stream().map(Row::id).toList());
        return rows.stream().map(row -> row.account(roles.getOrDefault(row.id(), Set.of()))).toList();
    }

    /** Creates a user; a taken name is a conflict (409). */
    public Account create(String username, String passwordHash, Set<Role> roles)
    {
        requireNonNull(passwordHash, "passwordHash");
        requireRoles(roles);
        return database.inTransaction(() -> {
            KeyHolder keys = new GeneratedKeyHolder();
            try {
                database.jdbc().sql("INSERT INTO app_user (username, password_hash, enabled, created_at) VALUES (:username, :hash, TRUE, :createdAt)")
                        .param("username", username)
                        .param("hash", passwordHash)
                        .param("createdAt", database.dialect().timestamp(clock.instant()))
                        .update(keys, "id");
            }
            catch (DuplicateKeyException e) {
                throw new ConflictException("user_exists", "A user named '" + username + "' exists already.");
            }
            long id = requireNonNull(keys.getKey(), "generated id").longValue();
            insertRoles(id, roles);
            return find(username).orElseThrow();
        });
    }

    public Account setRoles(String username, Set<Role> roles)
    {
        requireRoles(roles);
        return database.inTransaction(() -> {
            long id = id(username);
            database.jdbc().sql("DELETE FROM app_user_role WHERE user_id = :id").param("id", id).update();
            insertRoles(id, roles);
            return find(username).orElseThrow();
        });
    }

    public Account setEnabled(String username, boolean enabled)
    {
        update("UPDATE app_user SET enabled = :value WHERE username = :username", username, enabled);
        return find(username).orElseThrow();
    }

    public void setPasswordHash(String username, String passwordHash)
    {
        update("UPDATE app_user SET password_hash = :value WHERE username = :username", username, requireNonNull(passwordHash, "passwordHash"));
    }

    /**
     * Counts a wrong password; at the limit, locks the account for that long and starts counting again. True when
     * this failure locked it. A name that is no user changes nothing.
     */
    public boolean recordWrongPassword(String username, int limit, Duration lockFor)
    {
        return Boolean.TRUE.equals(database.inTransaction(() -> {
            int updated = database.jdbc().sql("UPDATE app_user SET failed_sign_ins = failed_sign_ins + 1 WHERE username = :username")
                    .param("username", username).update();
            if (updated == 0) {
                return false;
            }
            int failures = database.jdbc().sql("SELECT failed_sign_ins FROM app_user WHERE username = :username").param("username", username).query(Integer.class).single();
            if (failures < limit) {
                return false;
            }
            database.jdbc().sql("UPDATE app_user SET failed_sign_ins = 0, locked_until = :until WHERE username = :username")
                    .param("until", database.dialect().timestamp(clock.instant().plus(lockFor)))
                    .param("username", username)
                    .update();
            return true;
        }));
    }

    /** A right password ends the count of wrong ones. */
    public void recordRightPassword(String username)
    {
        database.jdbc().sql("UPDATE app_user SET failed_sign_ins = 0 WHERE username = :username AND failed_sign_ins > 0").param("username", username).update();
    }

    /** Lifts a lock (an administrator enabled the user or reset their password). */
    public void unlock(String username)
    {
        database.jdbc().sql("UPDATE app_user SET failed_sign_ins = 0, locked_until = NULL WHERE username = :username").param("username", username).update();
    }

    private void update(String sql, String username, Object value)
    {
        int updated = database.jdbc().sql(sql).param("value", value).param("username", username).update();
        if (updated == 0) {
            throw noSuchUser(username);
        }
    }

    private long id(String username)
    {
        return database.jdbc().sql("SELECT id FROM app_user WHERE username = :username").param("username", username)
                .query(Long.class).optional().orElseThrow(() -> noSuchUser(username));
    }

    private void insertRoles(long id, Set<Role> roles)
    {
        for (Role role : EnumSet.copyOf(roles)) {
            database.jdbc().sql("INSERT INTO app_user_role (user_id, role) VALUES (:id, :role)").param("id", id).param("role", role.name()).update();
        }
    }

    private Map<Long, Set<Role>> roles(List<Long> ids)
    {
        Map<Long, Set<Role>> roles = new HashMap<>();
        if (ids.isEmpty()) {
            return roles;
        }
        database.jdbc().sql("SELECT user_id, role FROM app_user_role WHERE user_id IN (:ids)")
                .param("ids", ids)
                .query((resultSet, row) -> Map.entry(resultSet.getLong("user_id"), Role.valueOf(resultSet.getString("role"))))
                .list()
                .forEach(entry -> roles.computeIfAbsent(entry.getKey(), id -> EnumSet.noneOf(Role.class)).add(entry.getValue()));
        return roles;
    }

    private static void requireRoles(Set<Role> roles)
    {
        if (roles == null || roles.isEmpty()) {
            throw new InvalidInputException("no_role", "A user needs at least one role: uploader, radiologist, data-engineer or admin.");
        }
    }

    static NotFoundException noSuchUser(String username)
    {
        return new NotFoundException("No user named '" + username + "'.");
    }

    private Row row(ResultSet resultSet)
            throws SQLException
    {
        return new Row(resultSet.getLong("id"), resultSet.getString("username"), resultSet.getString("password_hash"),
                resultSet.getBoolean("enabled"), database.dialect().readTimestamp(resultSet, "created_at"),
                database.dialect().readOptionalTimestamp(resultSet, "locked_until"));
    }

    private record Row(long id, String username, String passwordHash, boolean enabled, Instant createdAt, Optional<Instant> lockedUntil)
    {
        Account account(Set<Role> roles)
        {
            return new Account(id, username, roles, enabled, createdAt, lockedUntil);
        }
    }
}
