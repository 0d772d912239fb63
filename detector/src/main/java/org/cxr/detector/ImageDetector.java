package org.cxr.detector;

import java.util.List;

/** Anything that finds boxes in an image file: one {@link Detector}, or an {@link Ensemble} of them. */
public interface ImageDetector
        extends AutoCloseable
{
    /** Decodes and detects; throws {@link org.cxr.imaging.ImageRejectedException} for files it cannot read. */
    DetectionResult detect(byte[] imageBytes, Thresholds thresholds);

    /** The class names, in class-id order. */
    List<String> classNames();

    /** The thresholds the model (or the first member of an ensemble) recommends. */
    Thresholds defaultThresholds();

    @Override
    void close();
}
