package org.cxr.backup;

import java.time.LocalDate;

import static java.util.Objects.requireNonNull;

/** The rows of one table that fall on one ingest date, within a run's range: their lowest and highest id and how many. */
record DayRange(LocalDate date, long firstId, long lastId, long rows)
{
    DayRange
    {
        requireNonNull(date, "date");
        if (firstId > lastId || rows < 1) {
            throw new IllegalArgumentException("empty or inverted day range: " + firstId + ".." + lastId + ", " + rows + " rows");
        }
    }

    DayRange plus(long id)
    {
        return new DayRange(date, Math.min(firstId, id), Math.max(lastId, id), rows + 1);
    }
}
