package org.cxr.app.security;

import org.springframework.security.core.Authentication;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What the signed-in caller may see of the results: everything (radiologist), or their own uploads only. */
public record Caller(String username, boolean seesAll)
{
    public Caller
    {
        requireNonNull(username, "username");
    }

    public static Caller of(Authentication authentication)
    {
        return new Caller(authentication.getName(), Role.held(authentication).contains(Role.RADIOLOGIST));
    }

    /** Whether a result uploaded by this user (none: before sign-in existed) may be shown to the caller. */
    public boolean maySee(Optional<String> uploader)
    {
        return seesAll || uploader.filter(username::equals).isPresent();
    }
}
