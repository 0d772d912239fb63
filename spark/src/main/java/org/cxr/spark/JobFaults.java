package org.cxr.spark;

import java.io.Serializable;

/**
 * Points inside a job's tasks where tests make it fail midway, as a lost executor, a killed driver or a network failure
 * would. In production nothing happens there. Runs on executors, so it travels with the tasks.
 */
interface JobFaults
        extends Serializable
{
    JobFaults NONE = new JobFaults() {};

    /** A backup file is uploaded; the manifest is not written. */
    default void afterBackupFile(String key) {}

    /** A page of image documents is written to the warehouse; the watermark has not moved. */
    default void afterWarehousePage(String firstImage) {}

    /** A page of reviews is written into the warehouse's documents; the review watermark has not moved. */
    default void afterWarehouseReviewPage(String firstImage) {}

    /** An image is in the data mart folder; the COCO files are not written. */
    default void afterImageCopy(String sha256) {}
}
