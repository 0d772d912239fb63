package org.cxr.warehouse;

/** How much the warehouse holds: image documents, the inferences inside them, and their detections. */
public record WarehouseCounts(long documents, long inferences, long boxes) {}
