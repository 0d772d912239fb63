package org.cxr.lake;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 of an image's bytes, in lower-case hex: the identity of an image in the lake. */
public final class ContentHash
{
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private ContentHash() {}

    public static String sha256(byte[] bytes)
    {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    public static boolean isSha256(String value)
    {
        return SHA256_HEX.matcher(value).matches();
    }

    public static String checkSha256(String value)
    {
        if (!isSha256(value)) {
            throw new IllegalArgumentException("Not a lower-case hex SHA-256: " + value);
        }
        return value;
    }
}
