package org.cxr.lake.store;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One page of keys under a prefix; pass {@code nextToken} back to get the next page. */
public record ObjectListing(List<StoredObject> objects, Optional<String> nextToken)
{
    public ObjectListing
    {
        objects = List.copyOf(requireNonNull(objects, "objects"));
        requireNonNull(nextToken, "nextToken");
    }
}
