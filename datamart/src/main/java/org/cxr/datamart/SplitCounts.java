package org.cxr.datamart;

/** What one split's annotation file holds. */
public record SplitCounts(long images, long annotations)
{
    public static final SplitCounts EMPTY = new SplitCounts(0, 0);

    public SplitCounts
    {
        if (images < 0 || annotations < 0) {
            throw new IllegalArgumentException("counts are negative: " + images + ", " + annotations);
        }
    }
}
