package org.cxr.lake;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** How many inferences to list, and after which one. */
public record PageRequest(int limit, Optional<PageCursor> after)
{
    public static final int MAX_LIMIT = 1000;

    public PageRequest
    {
        requireNonNull(after, "after");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
    }

    public static PageRequest first(int limit)
    {
        return new PageRequest(limit, Optional.empty());
    }

    public PageRequest next(PageCursor cursor)
    {
        return new PageRequest(limit, Optional.of(cursor));
    }
}
