package org.cxr.datamart;

/**
 * The reviewed labels of an export by their lineage: predicted boxes a radiologist accepted as they were, predicted
 * boxes corrected (box or class), findings a radiologist added; and the reviewed images left without any finding.
 */
public record LabelCounts(long modelAccepted, long modelCorrected, long radiologistAdded, long imagesWithoutFindings)
{
    public static final LabelCounts NONE = new LabelCounts(0, 0, 0, 0);

    public LabelCounts
    {
        if (modelAccepted < 0 || modelCorrected < 0 || radiologistAdded < 0 || imagesWithoutFindings < 0) {
            throw new IllegalArgumentException("counts are negative");
        }
    }

    public long labels()
    {
        return modelAccepted + modelCorrected + radiologistAdded;
    }

    LabelCounts plus(java.util.Map<String, Long> bySource, long withoutFindings)
    {
        return new LabelCounts(
                modelAccepted + bySource.getOrDefault("model-accepted", 0L),
                modelCorrected + bySource.getOrDefault("model-corrected", 0L),
                radiologistAdded + bySource.getOrDefault("radiologist-added", 0L),
                imagesWithoutFindings + withoutFindings);
    }
}
