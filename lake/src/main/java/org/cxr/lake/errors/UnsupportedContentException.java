package org.cxr.lake.errors;

/** The input is of a kind or an encoding that is not supported; the message names what is, and what would be. */
public non-sealed class UnsupportedContentException
        extends DomainException
{
    public UnsupportedContentException(String code, String message)
    {
        super(code, message, null);
    }

    public UnsupportedContentException(String code, String message, Throwable cause)
    {
        super(code, message, cause);
    }
}
