package org.cxr.lake;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A stored image: its content hash, where its bytes are, and what the first uploader called it. */
public record ImageRecord(
        long id,
        String sha256,
        String bucket,
        String objectKey,
        String originalFileName,
        MediaType mediaType,
        int width,
        int height,
        long sizeBytes,
        Instant firstSeen)
{
    public ImageRecord
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(bucket, "bucket");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(originalFileName, "originalFileName");
        requireNonNull(mediaType, "mediaType");
        requireNonNull(firstSeen, "firstSeen");
    }
}
