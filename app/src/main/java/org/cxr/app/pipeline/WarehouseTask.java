package org.cxr.app.pipeline;

import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseRunResult;


import static java.util.Objects.requireNonNull;

/** Stage 4: new inferences of the lake appended to their image documents in the warehouse. */
final class WarehouseTask
        implements StageTask
{
    private final Warehouse warehouse;

    WarehouseTask(Warehouse warehouse)
    {
        this.warehouse = requireNonNull(warehouse, "warehouse");
    }

    @Override
    public Stage stage()
    {
        return Stage.WAREHOUSE;
    }

    @Override
    public Outcome run()
    {
        WarehouseRunResult r = warehouse.run();
        return new Outcome(r.rowsRead(), r.rowsWritten(), r.summary());
    }
}
