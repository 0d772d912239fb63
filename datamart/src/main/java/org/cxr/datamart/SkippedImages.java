package org.cxr.datamart;

/**
 * Warehouse images left out of the dataset because their bytes could not be had, by reason; each one is also logged
 * with its hash. (A document that is not what the warehouse writes is not skipped: it fails the export.)
 *
 * @param missingObjects images whose object is not in S3
 * @param hashMismatches images whose object's bytes do not hash to the document's id
 */
public record SkippedImages(long missingObjects, long hashMismatches)
{
    public static final SkippedImages NONE = new SkippedImages(0, 0);

    public long total()
    {
        return missingObjects + hashMismatches;
    }
}
