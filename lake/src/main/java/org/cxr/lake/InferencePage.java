package org.cxr.lake;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A page of inferences, newest first; {@code next} is empty on the last page. */
public record InferencePage(List<InferenceSummary> items, Optional<PageCursor> next)
{
    public InferencePage
    {
        items = List.copyOf(requireNonNull(items, "items"));
        requireNonNull(next, "next");
    }
}
