package org.cxr.lake;

import org.cxr.imaging.ImageFormat;

import java.util.Locale;
import java.util.Optional;

/** The image formats the platform accepts, with their media type and the extension used in object keys. */
public enum MediaType
{
    PNG("image/png", "png", ImageFormat.PNG),
    JPEG("image/jpeg", "jpg", ImageFormat.JPEG);

    private final String mimeType;
    private final String extension;
    private final ImageFormat format;

    MediaType(String mimeType, String extension, ImageFormat format)
    {
        this.mimeType = mimeType;
        this.extension = extension;
        this.format = format;
    }

    /** The type the bytes are, by their signature: the client's claim alone decides nothing. */
    public static Optional<MediaType> of(byte[] bytes)
    {
        return ImageFormat.of(bytes).map(found -> found == ImageFormat.PNG ? PNG : JPEG);
    }

    /** Whether the bytes start as a file of this type does. */
    public boolean matches(byte[] bytes)
    {
        return format.matches(bytes);
    }

    public String mimeType()
    {
        return mimeType;
    }

    public String extension()
    {
        return extension;
    }

    public static MediaType fromMimeType(String mimeType)
    {
        String normalized = mimeType.trim().toLowerCase(Locale.ROOT);
        for (MediaType type : values()) {
            if (type.mimeType.equals(normalized)) {
                return type;
            }
        }
        // Browsers still send the non-standard name for JPEG.
        if (normalized.equals("image/jpg") || normalized.equals("image/pjpeg")) {
            return JPEG;
        }
        throw new IllegalArgumentException("Unsupported media type: " + mimeType);
    }
}
