package org.cxr.backup;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** An inference with its image and its boxes: what the inference-dated datasets are written from. */
record InferenceDetail(InferenceRow inference, ImageRow image, List<BoxRow> boxes)
{
    InferenceDetail
    {
        requireNonNull(inference, "inference");
        requireNonNull(image, "image");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
    }
}
