package org.cxr.warehouse;

import org.cxr.lake.MediaType;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The warehouse's document of one image: where its bytes are and every inference run on it, oldest (lowest id) first.
 * The SHA-256 of the bytes is the document's {@code _id}.
 */
public record ImageDocument(
        String sha256,
        long imageId,
        String bucket,
        String objectKey,
        String fileName,
        MediaType mediaType,
        int width,
        int height,
        long sizeBytes,
        Instant firstSeen,
        List<InferenceDocument> inferences)
{
    public ImageDocument
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(bucket, "bucket");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(fileName, "fileName");
        requireNonNull(mediaType, "mediaType");
        requireNonNull(firstSeen, "firstSeen");
        inferences = List.copyOf(requireNonNull(inferences, "inferences"));
    }

    public int boxCount()
    {
        return inferences.stream().mapToInt(inference -> inference.detections().size()).sum();
    }
}
