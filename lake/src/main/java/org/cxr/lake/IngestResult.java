package org.cxr.lake;

import static java.util.Objects.requireNonNull;

/**
 * Where an ingested upload ended up. {@code newImage} is false when the same bytes had been stored before; {@code stored}
 * is the inference as written (its image, its boxes with their ids), so that nobody has to read it back.
 */
public record IngestResult(long imageId, long inferenceId, String sha256, String objectKey, boolean newImage, StoredInference stored)
{
    public IngestResult
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(objectKey, "objectKey");
        requireNonNull(stored, "stored");
    }
}
