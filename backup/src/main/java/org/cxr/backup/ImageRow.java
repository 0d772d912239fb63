package org.cxr.backup;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A row of the {@code image} table. */
record ImageRow(long id, String sha256, String bucket, String objectKey, String originalFileName, String mediaType, int width, int height, long sizeBytes, Instant firstSeen)
{
    ImageRow
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(bucket, "bucket");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(originalFileName, "originalFileName");
        requireNonNull(mediaType, "mediaType");
        requireNonNull(firstSeen, "firstSeen");
    }
}
