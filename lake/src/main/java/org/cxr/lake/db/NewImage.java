package org.cxr.lake.db;

import org.cxr.lake.MediaType;

import static java.util.Objects.requireNonNull;

/** An image row to insert unless the lake already has the same bytes. */
public record NewImage(
        String sha256,
        String bucket,
        String objectKey,
        String originalFileName,
        MediaType mediaType,
        int width,
        int height,
        long sizeBytes)
{
    public NewImage
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(bucket, "bucket");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(originalFileName, "originalFileName");
        requireNonNull(mediaType, "mediaType");
    }
}
