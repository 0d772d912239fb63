package org.cxr.lake.errors;

/** The caller is known but may not do this. */
public non-sealed class ForbiddenException
        extends DomainException
{
    public ForbiddenException(String code, String message)
    {
        super(code, message, null);
    }

    public ForbiddenException(String code, String message, Throwable cause)
    {
        super(code, message, cause);
    }

    public ForbiddenException(String message)
    {
        this("forbidden", message);
    }
}
