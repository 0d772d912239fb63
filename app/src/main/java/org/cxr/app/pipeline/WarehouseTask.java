package org.cxr.app.pipeline;

import org.cxr.warehouse.Warehouse;
import org.cxr.warehouse.WarehouseRunResult;

import java.util.LinkedHashMap;
import java.util.Map;

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
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("pages", r.pages());
        detail.put("inferencesRead", r.inferencesRead());
        detail.put("boxesRead", r.boxesRead());
        detail.put("documentsInserted", r.documentsInserted());
        detail.put("documentsUpdated", r.documentsUpdated());
        detail.put("inferencesAppended", r.inferencesAppended());
        detail.put("watermarkInferenceId", r.watermark().inferenceId());
        return new Outcome(r.inferencesRead() + r.boxesRead(), r.inferencesAppended(), detail);
    }
}
