package org.cxr.app.security;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A user as the application sees it; the password hash stays in {@link Accounts}. {@code lockedUntil}: passwords are
 * refused until then, after too many wrong ones in a row.
 */
public record Account(long id, String username, Set<Role> roles, boolean enabled, Instant createdAt, Optional<Instant> lockedUntil)
{
    public Account
    {
        requireNonNull(username, "username");
        roles = Set.copyOf(requireNonNull(roles, "roles"));
        requireNonNull(createdAt, "createdAt");
        requireNonNull(lockedUntil, "lockedUntil");
    }

    public boolean lockedAt(Instant now)
    {
        return lockedUntil.filter(now::isBefore).isPresent();
    }

    public boolean has(Role role)
    {
        return roles.contains(role);
    }
}
