package org.cxr.lake.errors;

import java.util.Map;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A failure that its caller can act on, thrown by any module: its message is written for a person and safe to show
 * (no SQL, host names or keys), and its code is a short stable word that tools can test ({@code user_exists}). The
 * kind of failure is its class; the web layer maps each class to one HTTP status, once. A module may subclass a kind
 * for a failure it wants to catch by type (a stage already running is a {@link ConflictException}).
 */
public abstract sealed class DomainException
        extends RuntimeException
        permits NotFoundException, ConflictException, InvalidInputException, TooLargeException, UnsupportedContentException, ForbiddenException,
        UnavailableException
{
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final String code;

    DomainException(String code, String message, Throwable cause)
    {
        super(requireNonNull(message, "message"), cause);
        if (!CODE.matcher(requireNonNull(code, "code")).matches()) {
            throw new IllegalArgumentException("An error code is a lower-case word, got '" + code + "'");
        }
        this.code = code;
    }

    public String code()
    {
        return code;
    }

    /** Values a tool may want besides the message (the run a conflict was with, say); as safe to show as the message. */
    public Map<String, Object> details()
    {
        return Map.of();
    }
}
