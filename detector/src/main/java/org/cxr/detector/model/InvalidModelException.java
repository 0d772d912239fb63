package org.cxr.detector.model;

/** A model folder that cannot be used: the message says what is wrong and where. */
public final class InvalidModelException
        extends RuntimeException
{
    public InvalidModelException(String message)
    {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
