package org.cxr.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

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

    Instant start()
    {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    Instant end()
    {
        return start().plus(Duration.ofDays(1));
    }

    DayRange plus(long id)
    {
        return new DayRange(date, Math.min(firstId, id), Math.max(lastId, id), rows + 1);
    }
}
