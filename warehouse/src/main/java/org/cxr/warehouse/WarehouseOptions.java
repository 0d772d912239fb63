package org.cxr.warehouse;

import org.cxr.lake.pipeline.Watermarks;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How a warehouse run reads the lake.
 *
 * @param settleDelay only inferences created (and reviews made) at least this long before the run started are
 *         taken, so that the transactions still writing rows with lower ids have committed (see {@link Warehouse})
 * @param pageSize inferences, or reviews, read, written and acknowledged at a time; bounds the memory of a run
 */
public record WarehouseOptions(Duration settleDelay, int pageSize)
{
    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int MAX_PAGE_SIZE = 10_000;


    public WarehouseOptions
    {
        requireNonNull(settleDelay, "settleDelay");
        if (settleDelay.isNegative()) {
            throw new IllegalArgumentException("settle delay must not be negative, got " + settleDelay);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size must be between 1 and " + MAX_PAGE_SIZE + ", got " + pageSize);
        }
    }

    public static WarehouseOptions defaults()
    {
        return new WarehouseOptions(Watermarks.DEFAULT_SETTLE_DELAY, DEFAULT_PAGE_SIZE);
    }

    public WarehouseOptions withSettleDelay(Duration settleDelay)
    {
        return new WarehouseOptions(settleDelay, pageSize);
    }

    public WarehouseOptions withPageSize(int pageSize)
    {
        return new WarehouseOptions(settleDelay, pageSize);
    }
}
