package org.cxr.detector;

import org.cxr.detector.image.Letterbox;

import static java.util.Objects.requireNonNull;

/**
 * One image as the model's input: its tensor (one image's worth of floats) and where its boxes map back. Made by
 * {@link Detector#prepare}, so that the resize can run on the caller's thread while another image is in the model.
 */
public final class PreparedImage
{
    private final int width;
    private final int height;
    private final float[] tensor;
    private final Letterbox geometry;

    PreparedImage(int width, int height, float[] tensor, Letterbox geometry)
    {
        this.width = width;
        this.height = height;
        this.tensor = requireNonNull(tensor, "tensor");
        this.geometry = requireNonNull(geometry, "geometry");
    }

    /** The full picture's width, which the boxes are in. */
    public int width()
    {
        return width;
    }

    public int height()
    {
        return height;
    }

    float[] tensor()
    {
        return tensor;
    }

    Letterbox geometry()
    {
        return geometry;
    }
}
