package org.cxr.imaging;

import static java.util.Objects.requireNonNull;

/** An image file the detector will not read, and why; the message is safe to show to the user. */
public final class ImageRejectedException
        extends RuntimeException
{
    public enum Reason
    {
        EMPTY,
        /** Neither PNG nor JPEG. */
        UNSUPPORTED_FORMAT,
        /** A valid file in an encoding no decoder here reads (12-bit or arithmetic-coded JPEG...); the message names it. */
        UNSUPPORTED_ENCODING,
        /** Damaged or truncated. */
        CORRUPT,
        TOO_MANY_PIXELS
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
