package org.cxr.app.security;

import org.cxr.lake.errors.InvalidInputException;
import org.cxr.lake.sql.Database;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Personal API tokens: 256 random bits behind a {@code cxr_} prefix, shown once when created. The database keeps
 * only their SHA-256, which is enough for a secret that cannot be guessed (unlike a password, it needs no slow hash),
 * so a stolen database backup holds no usable token.
 */
public final class ApiTokens
{
    public static final String PREFIX = "cxr_";
    private static final int MAX_NAME_LENGTH = 100;
    // Writing "last used" on every request would turn each read into a write.
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

    private final Database database;
    private final Accounts accounts;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Instant> lastUsedWritten = new ConcurrentHashMap<>();

    public ApiTokens(Database database, Accounts accounts, Clock clock)
    {
        this.database = requireNonNull(database, "database");
        this.accounts = requireNonNull(accounts, "accounts");
        this.clock = requireNonNull(clock, "clock");
    }

    /** A new token, the only time its secret is seen. */
    public record IssuedToken(long id, String name, String token, Instant createdAt) {}

    /** A token as its owner lists it: never the secret. */
    public record TokenInfo(long id, String name, Instant createdAt, Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {}

    public IssuedToken issue(Account owner, String name)
    {
        requireNonNull(owner, "owner");
        if (name == null || name.isBlank() || name.strip().length() > MAX_NAME_LENGTH) {
            throw new InvalidInputException("bad_token_name", "A token needs a name of 1 to " + MAX_NAME_LENGTH + " characters, such as 'airflow'.");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.instant();
        KeyHolder keys = new GeneratedKeyHolder();
        database.jdbc().sql("INSERT INTO api_token (user_id, name, token_sha256, created_at) VALUES (:userId, :name, :hash, :createdAt)")
                .param("userId", owner.id())
                .param("name", name.strip())
                .param("hash", sha256(token))
                .param("createdAt", database.dialect().timestamp(now))
                .update(keys, "id");
        return new IssuedToken(requireNonNull(keys.getKey(), "generated id").longValue(), name.strip(), token, now);
    }

    /** The enabled account that owns this unrevoked token. */
    public Optional<Account> authenticate(String token)
    {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 200) {
            return Optional.empty();
        }
        // The token, its owner and the owner's roles in one round trip: every request with a token signs in here.
        Optional<Accounts.Found<Long>> owner = accounts.single(database.jdbc().sql("SELECT t.id AS token_id, " + Accounts.ACCOUNT_COLUMNS + """
                         FROM api_token t JOIN app_user u ON u.id = t.user_id LEFT JOIN app_user_role r ON r.user_id = u.id
                        WHERE t.token_sha256 = :hash AND t.revoked_at IS NULL AND u.enabled = TRUE
                        """).param("hash", sha256(token)), (resultSet, row) -> resultSet.getLong("token_id"));
        owner.ifPresent(o -> touch(o.extra()));
        return owner.map(o -> o.credentials().account());
    }

    public List<TokenInfo> list(Account owner)
    {
        return database.jdbc().sql("SELECT id, name, created_at, last_used_at, revoked_at FROM api_token WHERE user_id = :userId ORDER BY id")
                .param("userId", owner.id())
                .query((resultSet, row) -> new TokenInfo(resultSet.getLong("id"), resultSet.getString("name"),
                        database.dialect().readTimestamp(resultSet, "created_at"),
                        database.dialect().readOptionalTimestamp(resultSet, "last_used_at"),
                        database.dialect().readOptionalTimestamp(resultSet, "revoked_at")))
                .list();
    }

    /** Revokes one of the owner's tokens; false if the owner has no such unrevoked token. */
    public boolean revoke(Account owner, long tokenId)
    {
        return database.jdbc().sql("UPDATE api_token SET revoked_at = :now WHERE id = :id AND user_id = :userId AND revoked_at IS NULL")
                .param("now", database.dialect().timestamp(clock.instant()))
                .param("id", tokenId)
                .param("userId", owner.id())
                .update() == 1;
    }

    private void touch(long tokenId)
    {
        Instant now = clock.instant();
        Instant written = lastUsedWritten.get(tokenId);
        if (written != null && written.plus(LAST_USED_RESOLUTION).isAfter(now)) {
            return;
        }
        lastUsedWritten.put(tokenId, now);
        database.jdbc().sql("UPDATE api_token SET last_used_at = :now WHERE id = :id")
                .param("now", database.dialect().timestamp(now)).param("id", tokenId).update();
    }

    static String sha256(String token)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }
}
