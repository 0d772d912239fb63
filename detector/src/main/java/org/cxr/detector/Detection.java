package org.cxr.detector;

import org.cxr.imaging.Box;

import static java.util.Objects.requireNonNull;

/** One finding reported by a detector: its class, its score in [0, 1] and its box in the original image's pixels. */
public record Detection(int classId, String className, double score, Box box)
{
    public Detection
    {
        requireNonNull(className, "className");
        requireNonNull(box, "box");
    }
}
