package org.cxr.imaging;

import static java.util.Objects.requireNonNull;

/** An image file the detector will not read, and why; the message is safe to show to the user. */
public final class ImageRejectedException
        extends RuntimeException
{
    /** Why, with the short stable word clients and metrics know it by. */
    public enum Reason
    {
        EMPTY("image_empty"),
        /** Neither PNG nor JPEG. */
        UNSUPPORTED_FORMAT("image_unsupported_format"),
        /**
         * A valid file in an encoding no decoder here reads (12-bit or arithmetic-coded JPEG...); the message names it.
         * Not the file's fault, nor damage.
         */
        UNSUPPORTED_ENCODING("unsupported_encoding"),
        /** Damaged or truncated. */
        CORRUPT("image_corrupt"),
        TOO_MANY_PIXELS("image_too_many_pixels");

        private final String code;

        Reason(String code)
        {
            this.code = code;
        }

        public String code()
        {
            return code;
        }
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
