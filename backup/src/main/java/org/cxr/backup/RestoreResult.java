package org.cxr.backup;

import org.cxr.lake.pipeline.Watermark;

import static java.util.Objects.requireNonNull;

/**
 * What a restore loaded.
 *
 * @param imagesMerged image rows not loaded because an earlier run's backup holds the same image (by SHA-256) under
 *         another id: an image purged and later uploaded again; their inferences point at the earlier row
 * @param modelVersions the models registered from the backup (or found registered already, with the same classes)
 * @param reviews the radiologists' reviews loaded, every one of an inference loaded before it
 * @param reviewBoxes their decisions
 * @param watermark the backup watermark after the restore: the end of the last restored run, review id included
 */
public record RestoreResult(int manifests, int files, long bytes, long images, long inferences, long predictedBoxes, long reviews, long reviewBoxes,
        long imagesMerged, long modelVersions, Watermark watermark)
{
    public RestoreResult
    {
        requireNonNull(watermark, "watermark");
    }
}
