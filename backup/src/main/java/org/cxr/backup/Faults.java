package org.cxr.backup;

/**
 * Points in a backup run where tests make it fail, the way a crash, a full disk or a network failure would. In
 * production nothing happens there.
 */
interface Faults
{
    Faults NONE = new Faults() {};

    default void afterDataFileUploaded(String key) {}

    /** Every data file is uploaded; nothing has been read back yet. */
    default void beforeVerification(Manifest manifest) {}

    /** The manifest is stored and checked; the watermark has not moved yet. */
    default void beforeWatermark(Manifest manifest) {}
}
