package org.cxr.warehouse;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Settled inferences with ids in (after, lastInferenceId], grouped by image in the order of each image's first
 * inference. {@code last} says that no settled inference follows: the run stops after this page.
 */
record LakePage(List<ImageDocument> images, int inferenceCount, int boxCount, long lastInferenceId, boolean last)
{
    LakePage
    {
        images = List.copyOf(requireNonNull(images, "images"));
    }

    static LakePage empty(long afterInferenceId)
    {
        return new LakePage(List.of(), 0, 0, afterInferenceId, true);
    }

    boolean isEmpty()
    {
        return images.isEmpty();
    }
}
