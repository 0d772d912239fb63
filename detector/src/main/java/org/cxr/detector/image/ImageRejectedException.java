package org.cxr.detector.image;

import static java.util.Objects.requireNonNull;

/** An image file the detector will not read, and why; the message is safe to show to the user. */
public final class ImageRejectedException
        extends RuntimeException
{
    public enum Reason
    {
        EMPTY, UNSUPPORTED_FORMAT, CORRUPT, TOO_MANY_PIXELS
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message)
    {
        this(reason, message, null);
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause)
    {
        super(message, cause);
        this.reason = requireNonNull(reason, "reason");
    }

    public Reason reason()
    {
        return reason;
    }
}
