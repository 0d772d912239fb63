package org.cxr.lake;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An upload's bytes in the object store, before its metadata: the first half of an ingest, which can run while the
 * detector works on the same bytes. {@code known} is the image's row when the lake already had these bytes.
 */
public record StagedImage(String sha256, String objectKey, MediaType mediaType, long sizeBytes, Optional<ImageRecord> known)
{
    public StagedImage
    {
        ContentHash.checkSha256(sha256);
        requireNonNull(objectKey, "objectKey");
        requireNonNull(mediaType, "mediaType");
        requireNonNull(known, "known");
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("an image has bytes");
        }
    }
}
