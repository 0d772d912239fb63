package org.cxr.datamart;

import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** What the export needs of one warehouse document: where the bytes are, and the inference that becomes its labels. */
record WarehouseImage(
        String sha256,
        long imageId,
        String bucket,
        String objectKey,
        MediaType mediaType,
        int width,
        int height,
        Optional<Inference> inference)
{
    WarehouseImage
    {
        ContentHash.checkSha256(sha256);
        requireNonNull(bucket, "bucket");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(mediaType, "mediaType");
        requireNonNull(inference, "inference");
    }
}
