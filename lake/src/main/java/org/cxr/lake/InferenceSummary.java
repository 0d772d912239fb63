package org.cxr.lake;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One row of an inference listing: enough to show a history without loading every box. */
public record InferenceSummary(
        long id,
        Instant createdAt,
        long imageId,
        String sha256,
        String originalFileName,
        String modelName,
        String modelVersion,
        long durationMillis,
        Optional<String> userName,
        int boxCount)
{
    public InferenceSummary
    {
        requireNonNull(createdAt, "createdAt");
        requireNonNull(sha256, "sha256");
        requireNonNull(originalFileName, "originalFileName");
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(userName, "userName");
    }
}
