package org.cxr.lake;

import static java.util.Objects.requireNonNull;

/**
 * How radiologists' latest reviews judged one model version's boxes of one class: how many it proposed that were
 * accepted unchanged, corrected or rejected, and how many findings of the class it missed (boxes added).
 */
public record ModelAgreement(String modelName, String modelVersion, int classId, String className, long accepted, long corrected, long rejected, long missed)
{
    public ModelAgreement
    {
        requireNonNull(modelName, "modelName");
        requireNonNull(modelVersion, "modelVersion");
        requireNonNull(className, "className");
    }

    public long proposed()
    {
        return accepted + corrected + rejected;
    }
}
