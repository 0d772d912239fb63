package org.cxr.backup;

import org.cxr.lake.LakeRows;
import org.cxr.lake.LakeRows.RowTime;
import org.cxr.lake.LakeRows.Table;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.time.ZoneOffset.UTC;
import static java.util.Objects.requireNonNull;

/**
 * Where one table's part of a run ends, and its rows by ingest date, oldest date first.
 *
 * <p>A run first scans the ids and ingest times of its range, which gives each ingest date's lowest and highest id;
 * then it reads each date's rows between those ids. Ids and ingest times rise together (both come from the upload), so
 * a date's rows sit together in the id order and each row is visited about twice, with no index on the times.
 */
record TableScan(long lastId, List<DayRange> days)
{
    TableScan
    {
        days = List.copyOf(requireNonNull(days, "days"));
    }

    /**
     * The table's rows with an id above {@code afterId} and at most {@code lastId}, grouped by ingest date, read a page
     * at a time. With a {@code stopAt} time the scan ends before the first row (in id order) ingested at or after it: a
     * row with a lower id but a later commit may still be on its way, and the range must not skip it.
     */
    static TableScan of(LakeRows rows, Table table, long afterId, long lastId, Optional<Instant> stopAt, int pageSize)
    {
        Map<LocalDate, DayRange> days = new TreeMap<>();
        long after = afterId;
        while (true) {
            List<RowTime> page = rows.rowTimes(table, after, lastId, pageSize);
            for (RowTime row : page) {
                if (stopAt.isPresent() && !row.time().isBefore(stopAt.get())) {
                    return new TableScan(after, List.copyOf(days.values()));
                }
                LocalDate date = LocalDate.ofInstant(row.time(), UTC);
                days.merge(date, new DayRange(date, row.id(), row.id(), 1), (known, added) -> known.plus(row.id()));
                after = row.id();
            }
            if (page.size() < pageSize) {
                return new TableScan(after, List.copyOf(days.values()));
            }
        }
    }

    long rows()
    {
        return days.stream().mapToLong(DayRange::rows).sum();
    }
}
