package org.cxr.lake.store;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** One object of a listing. */
public record StoredObject(String key, Instant lastModified, long sizeBytes)
{
    public StoredObject
    {
        requireNonNull(key, "key");
        requireNonNull(lastModified, "lastModified");
    }
}
