package org.cxr.backup;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Where one table's part of a run ends, and its rows by ingest date, oldest date first. */
record TableScan(long lastId, List<DayRange> days)
{
    TableScan
    {
        days = List.copyOf(requireNonNull(days, "days"));
    }

    long rows()
    {
        return days.stream().mapToLong(DayRange::rows).sum();
    }
}
