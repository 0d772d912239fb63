package org.cxr.lake.errors;

/** The request contradicts what is stored: a name taken, a run in progress, a model version registered with other classes. */
public non-sealed class ConflictException
        extends DomainException
{
    public ConflictException(String code, String message)
    {
        super(code, message, null);
    }

    public ConflictException(String code, String message, Throwable cause)
    {
        super(code, message, cause);
    }

    public ConflictException(String message)
    {
        this("conflict", message);
    }
}
