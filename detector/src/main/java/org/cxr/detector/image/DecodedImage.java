package org.cxr.detector.image;

import static java.util.Objects.requireNonNull;

/**
 * An image read from a file: {@code channels} planes (1 grey or 3 RGB) of values in [0, 1], each row by row.
 * {@code format} is "png" or "jpeg"; {@code bitDepth} is the file's bits per sample.
 */
public record DecodedImage(int width, int height, int channels, float[][] planes, String format, int bitDepth)
{
    public DecodedImage
    {
        requireNonNull(planes, "planes");
        requireNonNull(format, "format");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (planes.length != channels) {
            throw new IllegalArgumentException("expected " + channels + " planes, got " + planes.length);
        }
        for (float[] plane : planes) {
            if (plane.length != width * height) {
                throw new IllegalArgumentException("plane size does not match " + width + "x" + height);
            }
        }
    }

    /** Grey levels: the single plane, or the mean of red, green and blue. */
    public float[] grey()
    {
        if (channels == 1) {
            return planes[0];
        }
        float[] grey = new float[width * height];
        for (int i = 0; i < grey.length; i++) {
            grey[i] = (planes[0][i] + planes[1][i] + planes[2][i]) / 3f;
        }
        return grey;
    }

    /** Red, green and blue planes; a grey image gives the same plane three times. */
    public float[][] rgb()
    {
        return channels == 3 ? planes : new float[][] {planes[0], planes[0], planes[0]};
    }
}
