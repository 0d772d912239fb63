package org.cxr.lake.errors;

/** The caller sent something that cannot be accepted as it is; the message says what to change. */
public non-sealed class InvalidInputException
        extends DomainException
{
    public InvalidInputException(String code, String message)
    {
        super(code, message, null);
    }

    public InvalidInputException(String code, String message, Throwable cause)
    {
        super(code, message, cause);
    }

    public InvalidInputException(String message)
    {
        this("invalid_input", message);
    }
}
