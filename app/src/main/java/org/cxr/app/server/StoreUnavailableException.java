package org.cxr.app.server;

/** The database or the object store cannot be reached; the request may succeed later. */
public final class StoreUnavailableException
        extends RuntimeException
{
    public StoreUnavailableException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
