package org.cxr.app.server;

import org.springframework.http.HttpStatus;

/** A request the caller must change: answered with this status and message. */
public final class BadRequestException
        extends RuntimeException
{
    private final HttpStatus status;
    private final String error;

    public BadRequestException(HttpStatus status, String error, String message)
    {
        super(message);
        this.status = status;
        this.error = error;
    }

    public HttpStatus status() { return status; }

    public String error() { return error; }
}
