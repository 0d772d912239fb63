package org.cxr.warehouse;

import static java.util.Objects.requireNonNull;

/**
 * A run failed. The pages counted in {@link #progress()} were written and the watermark passed them; the rest is
 * taken by the next run, which may be started at once.
 */
public final class WarehouseRunException
        extends RuntimeException
{
    private final WarehouseRunResult progress;

    WarehouseRunException(String message, WarehouseRunResult progress, Throwable cause)
    {
        super(message, cause);
        this.progress = requireNonNull(progress, "progress");
    }

    public WarehouseRunResult progress()
    {
        return progress;
    }
}
