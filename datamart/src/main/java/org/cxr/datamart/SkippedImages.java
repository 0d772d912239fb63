package org.cxr.datamart;

/**
 * Warehouse images left out of the dataset, by reason; each one is also logged with its hash.
 *
 * @param invalidDocuments documents that do not have the warehouse's shape (or name a class the configured class list
 * does not have at that id)
 * @param withoutInference images with no inference: nothing was said about them, which is not the same as "no finding"
 * @param missingObjects images whose object is not in S3
 * @param hashMismatches images whose object's bytes do not hash to the document's id
 */
public record SkippedImages(long invalidDocuments, long withoutInference, long missingObjects, long hashMismatches)
{
    public static final SkippedImages NONE = new SkippedImages(0, 0, 0, 0);

    public long total()
    {
        return invalidDocuments + withoutInference + missingObjects + hashMismatches;
    }
}
