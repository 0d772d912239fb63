package org.cxr.lake;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One uploaded image as the user sent it. The file name is user data: it is stored as a value and never used to build
 * a path, an object key or SQL. The bytes are held, not copied (an upload may be tens of megabytes and is read by the
 * hash, the object store and the decoder): whoever makes an upload hands its array over and does not change it.
 */
public record Upload(byte[] bytes, String originalFileName, MediaType mediaType, int width, int height)
{
    public static final int MAX_FILE_NAME_LENGTH = 1024;

    public Upload
    {
        requireNonNull(bytes, "bytes");
        checkFileName(originalFileName);
        requireNonNull(mediaType, "mediaType");
        if (bytes.length == 0) {
            throw new IllegalArgumentException("An upload has no bytes");
        }
        if (!mediaType.matches(bytes)) {
            throw new IllegalArgumentException("The bytes are not a " + mediaType + " file");
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("Image size must be positive, got " + width + "x" + height);
        }
    }

    /** What the lake stores as a file name: at most {@value #MAX_FILE_NAME_LENGTH} characters, no NUL. */
    static String checkFileName(String originalFileName)
    {
        requireNonNull(originalFileName, "originalFileName");
        if (originalFileName.length() > MAX_FILE_NAME_LENGTH) {
            throw new IllegalArgumentException("File name longer than " + MAX_FILE_NAME_LENGTH + " characters");
        }
        // PostgreSQL text cannot hold NUL; refusing it everywhere keeps the two databases equal.
        if (originalFileName.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("File name contains a NUL character");
        }
        return originalFileName;
    }

    public long sizeBytes()
    {
        return bytes.length;
    }

    @Override
    public boolean equals(Object o)
    {
        return o instanceof Upload other
                && Arrays.equals(bytes, other.bytes)
                && originalFileName.equals(other.originalFileName)
                && mediaType == other.mediaType
                && width == other.width
                && height == other.height;
    }

    @Override
    public int hashCode()
    {
        return 31 * Arrays.hashCode(bytes) + originalFileName.hashCode();
    }

    @Override
    public String toString()
    {
        return "Upload[" + bytes.length + " bytes, " + mediaType + " " + width + "x" + height + ", originalFileName=" + originalFileName + "]";
    }
}
