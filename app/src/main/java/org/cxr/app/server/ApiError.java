package org.cxr.app.server;

import java.time.Instant;

/** The JSON body of every error the API returns: the status, a short kind, and a message meant for a person. */
public record ApiError(int status, String error, String message, Instant timestamp)
{
    public static ApiError of(int status, String error, String message)
    {
        return new ApiError(status, error, message, Instant.now());
    }

    /** The database cannot be reached: a fixed message, as the exception's own text can carry host names or SQL. */
    public static ApiError databaseUnavailable()
    {
        return of(503, "storage_unavailable", "The database is unavailable. Try again shortly.");
    }
}
