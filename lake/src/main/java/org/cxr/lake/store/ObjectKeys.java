package org.cxr.lake.store;

import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;

/**
 * Content-addressed keys: {@code images/sha256/ab/<sha256>.<png|jpg>}. The key depends on the bytes only, so the same
 * image uploaded twice is one object, and nothing the user typed (such as the file name) ever reaches a key. The
 * two-character fan-out keeps any one prefix small for listings and for S3's per-prefix request rates.
 */
public final class ObjectKeys
{
    public static final String IMAGE_PREFIX = "images/";

    private ObjectKeys() {}

    public static String image(String sha256, MediaType mediaType)
    {
        ContentHash.checkSha256(sha256);
        return IMAGE_PREFIX + "sha256/" + sha256.substring(0, 2) + "/" + sha256 + "." + mediaType.extension();
    }
}
