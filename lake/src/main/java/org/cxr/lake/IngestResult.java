package org.cxr.lake;

import static java.util.Objects.requireNonNull;

/** Where an ingested upload ended up. {@code newImage} is false when the same bytes had been stored before. */
public record IngestResult(long imageId, long inferenceId, String sha256, String objectKey, boolean newImage)
{
    public IngestResult
    {
        requireNonNull(sha256, "sha256");
        requireNonNull(objectKey, "objectKey");
    }
}
