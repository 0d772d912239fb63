package org.cxr.app.server;

/** The caller asked for something that does not exist. */
public final class NotFoundException
        extends RuntimeException
{
    public NotFoundException(String message)
    {
        super(message);
    }
}
