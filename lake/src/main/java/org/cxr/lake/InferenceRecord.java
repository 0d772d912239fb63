package org.cxr.lake;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A row of the {@code inference} table: one detector run on an image, and the settings it ran with. */
public record InferenceRecord(
        long id,
        long imageId,
        Instant createdAt,
        double confidenceThreshold,
        double nmsIouThreshold,
        String modelName,
        String modelVersion,
        long durationMillis,
        Optional<String> userName)
{
    public InferenceRecord
    {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(userName, "userName");
    }

    public InferenceRecord withImageId(long imageId)
    {
        return new InferenceRecord(id, imageId, createdAt, confidenceThreshold, nmsIouThreshold, modelName, modelVersion, durationMillis, userName);
    }
}
