package org.cxr.lake;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand. */
public final class MutableClock
        extends Clock
{
    private volatile Instant now;

    public MutableClock(Instant now)
    {
        this.now = now;
    }

    public void set(Instant now)
    {
        this.now = now;
    }

    public void set(String now)
    {
        set(Instant.parse(now));
    }

    public Instant advance(Duration duration)
    {
        now = now.plus(duration);
        return now;
    }

    @Override
    public Instant instant()
    {
        return now;
    }

    @Override
    public ZoneId getZone()
    {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone)
    {
        throw new UnsupportedOperationException();
    }
}
