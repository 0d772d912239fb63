package org.cxr.app.pipeline;

import org.cxr.lake.errors.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;

/** The scheduled data flows after Stage 2: backup to Parquet, the document warehouse, the COCO data mart. */
public enum Stage
{
    BACKUP, WAREHOUSE, DATAMART;

    public String id()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Stage of(String id)
    {
        return Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new InvalidInputException("unknown_stage", "No pipeline stage '" + id + "'; the stages are backup, warehouse and datamart."));
    }
}
