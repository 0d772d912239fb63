package org.cxr.lake;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** One inference as stored, with its image and all its boxes. */
public record StoredInference(InferenceRecord inference, ImageRecord image, List<BoxRecord> boxes)
{
    public StoredInference
    {
        requireNonNull(inference, "inference");
        requireNonNull(image, "image");
        boxes = List.copyOf(requireNonNull(boxes, "boxes"));
        if (inference.imageId() != image.id()) {
            throw new IllegalArgumentException("inference " + inference.id() + " is of image " + inference.imageId() + ", not " + image.id());
        }
    }

    public long id()
    {
        return inference.id();
    }

    public Instant createdAt()
    {
        return inference.createdAt();
    }
}
