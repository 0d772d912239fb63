package org.cxr.lake.errors;

/**
 * A store or service the work needs (the database, the object store, the warehouse) did not answer: nothing was
 * changed by the failed step, and the same request may succeed later.
 */
public non-sealed class UnavailableException
        extends DomainException
{
    public UnavailableException(String message, Throwable cause)
    {
        super("storage_unavailable", message, cause);
    }
}
