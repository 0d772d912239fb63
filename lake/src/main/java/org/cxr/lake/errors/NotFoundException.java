package org.cxr.lake.errors;

/** What was asked for does not exist (or the caller may not know that it does). */
public non-sealed class NotFoundException
        extends DomainException
{
    public NotFoundException(String code, String message)
    {
        super(code, message, null);
    }

    public NotFoundException(String code, String message, Throwable cause)
    {
        super(code, message, cause);
    }

    public NotFoundException(String message)
    {
        this("not_found", message);
    }
}
