package org.cxr.lake;

import java.util.Arrays;
import java.util.Locale;

/** The image formats the platform accepts, with the extension used in object keys. */
public enum MediaType
{
    PNG("image/png", "png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
    JPEG("image/jpeg", "jpg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});

    private final String mimeType;
    private final String extension;
    private final byte[] signature;

    MediaType(String mimeType, String extension, byte[] signature)
    {
        this.mimeType = mimeType;
        this.extension = extension;
        this.signature = signature;
    }

    /** Whether the bytes start as a file of this type does: the client's claim alone decides nothing. */
    public boolean matches(byte[] bytes)
    {
        return bytes.length >= signature.length && Arrays.equals(bytes, 0, signature.length, signature, 0, signature.length);
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
