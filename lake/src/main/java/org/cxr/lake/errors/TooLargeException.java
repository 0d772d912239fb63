package org.cxr.lake.errors;

/** The input is larger than what is accepted (bytes of an upload, pixels of an image). */
public non-sealed class TooLargeException
        extends DomainException
{
    public TooLargeException(String code, String message)
    {
        super(code, message, null);
    }

    public TooLargeException(String code, String message, Throwable cause)
    {
        super(code, message, cause);
    }
}
