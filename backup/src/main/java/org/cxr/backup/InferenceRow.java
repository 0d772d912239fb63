package org.cxr.backup;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A row of the {@code inference} table. */
record InferenceRow(
        long id,
        long imageId,
        Instant createdAt,
        double confidenceThreshold,
        double nmsIouThreshold,
        String modelName,
        String modelVersion,
        long durationMs,
        Optional<String> userName)
{
    InferenceRow
    {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(userName, "userName");
    }

    InferenceRow withImageId(long imageId)
    {
        return new InferenceRow(id, imageId, createdAt, confidenceThreshold, nmsIouThreshold, modelName, modelVersion, durationMs, userName);
    }
}
