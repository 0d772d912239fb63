package org.cxr.app.security;

import java.time.Instant;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** A user as the application sees it; the password hash stays in {@link Accounts}. */
public record Account(long id, String username, Set<Role> roles, boolean enabled, Instant createdAt)
{
    public Account
    {
        requireNonNull(username, "username");
        roles = Set.copyOf(requireNonNull(roles, "roles"));
        requireNonNull(createdAt, "createdAt");
    }

    public boolean has(Role role)
    {
        return roles.contains(role);
    }
}
