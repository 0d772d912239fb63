package org.cxr.warehouse;

/**
 * How much the warehouse holds: image documents, the inferences inside them, their detections, the reviews inside the
 * inferences (superseded ones included) and the reviews' decisions.
 */
public record WarehouseCounts(long documents, long inferences, long boxes, long reviews, long reviewBoxes) {}
