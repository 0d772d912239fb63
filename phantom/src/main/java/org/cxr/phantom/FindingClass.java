package org.cxr.phantom;

/** The five findings of the original detector, in its class order; COCO category id is {@code ordinal() + 1}. */
public enum FindingClass
{
    AORTIC_ENLARGEMENT("Aortic enlargement"),
    CARDIOMEGALY("Cardiomegaly"),
    ILD("ILD"),
    INFILTRATION("Infiltration"),
    NODULE_MASS("Nodule/Mass");

    private final String displayName;

    FindingClass(String displayName)
    {
        this.displayName = displayName;
    }

    public String displayName() { return displayName; }

    public int cocoCategoryId() { return ordinal() + 1; }
}
