package org.cxr.datamart;

import org.cxr.lake.ContentHash;

/**
 * The train/validation split. An image's split depends on its content hash and the ratio only, so it never moves
 * between runs (a validation image must never leak into training because the warehouse grew), and the same image
 * uploaded twice cannot sit in both splits.
 */
public enum Split
{
    TRAIN("train"),
    VALIDATION("val");

    private static final double TWO_TO_THE_32 = 4294967296.0;

    private final String fileStem;

    Split(String fileStem)
    {
        this.fileStem = fileStem;
    }

    /** The name of the split's annotation file without {@code .json}: {@code train} or {@code val}. */
    public String fileStem()
    {
        return fileStem;
    }

    /**
     * The first 8 hex digits of the SHA-256 read as an unsigned 32-bit number, divided by 2^32, give a point in [0, 1)
     * that is uniform over images; below the ratio is training. The division is exact in a double.
     */
    public static Split of(String sha256, double trainRatio)
    {
        ContentHash.checkSha256(sha256);
        long prefix = Long.parseLong(sha256.substring(0, 8), 16);
        return prefix / TWO_TO_THE_32 < trainRatio ? TRAIN : VALIDATION;
    }
}
