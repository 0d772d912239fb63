package org.cxr.datamart;

/** An export that did not finish; what it had written stays consistent, and the next run picks up from it. */
public final class DataMartException
        extends RuntimeException
{
    public DataMartException(String message)
    {
        super(message);
    }

    public DataMartException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
