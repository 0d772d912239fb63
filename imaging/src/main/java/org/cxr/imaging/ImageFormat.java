package org.cxr.imaging;

import java.util.Arrays;
import java.util.Optional;

/**
 * The file formats the platform reads, told by their first bytes: the one place that knows the signatures, for the
 * decoder and for the lake alike (a client's claim about a file decides nothing).
 */
public enum ImageFormat
{
    PNG("png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}),
    JPEG("jpeg", new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff});

    private final String readerName;
    private final byte[] signature;

    ImageFormat(String readerName, byte[] signature)
    {
        this.readerName = readerName;
        this.signature = signature;
    }

    /** The format whose signature the bytes start with. */
    public static Optional<ImageFormat> of(byte[] bytes)
    {
        for (ImageFormat format : values()) {
            if (format.matches(bytes)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    public boolean matches(byte[] bytes)
    {
        return bytes.length >= signature.length && Arrays.equals(bytes, 0, signature.length, signature, 0, signature.length);
    }

    /** The name ImageIO knows the format by, and that a {@link DecodedImage} reports. */
    public String readerName()
    {
        return readerName;
    }
}
