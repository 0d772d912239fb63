package org.cxr.imaging;

import java.util.concurrent.Semaphore;

/**
 * How many pixels may be held decoded at once, across threads. A decode takes its pixel count before it allocates and
 * gives it back when its planes are made, so four huge uploads at once wait for each other instead of each
 * allocating hundreds of megabytes. Heap per decoded pixel is about 10 bytes for grey and 20 for colour (the decoder's
 * raster plus the float planes), so the default of one 64-megapixel image bounds decoding to roughly 0.6-1.3 GB.
 * A decode larger than the whole budget waits for it all and runs alone. Waiting is fair (first come, first served),
 * so a large image is not starved by a stream of small ones.
 */
public final class PixelBudget
{
    private final int pixels;
    private final Semaphore permits;

    public PixelBudget(long pixels)
    {
        if (pixels < 1 || pixels > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pixel budget must be between 1 and " + Integer.MAX_VALUE + ", got " + pixels);
        }
        this.pixels = (int) pixels;
        this.permits = new Semaphore(this.pixels, true);
    }

    public long pixels()
    {
        return pixels;
    }

    /** Pixels not taken right now; for tests and monitoring. */
    public long available()
    {
        return permits.availablePermits();
    }

    /** Waits until {@code count} pixels (at most the whole budget) are free and takes them. */
    Lease acquire(long count)
    {
        int taken = (int) Math.max(1, Math.min(count, pixels));
        try {
            permits.acquire(taken);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to decode an image", e);
        }
        return new Lease(taken);
    }

    /** Pixels taken from the budget; closing gives them back (once). */
    final class Lease
            implements AutoCloseable
    {
        private int taken;

        private Lease(int taken)
        {
            this.taken = taken;
        }

        @Override
        public void close()
        {
            if (taken > 0) {
                permits.release(taken);
                taken = 0;
            }
        }
    }
}
