package org.cxr.imaging;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An image read from a file, upright: {@code channels} planes (1 grey or 3 RGB) of intensities in [0, 1], each row by
 * row, {@code planeWidth x planeHeight}.
 *
 * <p>{@code width x height} is the upright picture's full size, the frame detections are reported in. The planes have
 * that size too unless the image was decoded for detection at reduced size (every n-th pixel of every n-th row, see
 * {@link ImageDecoder#decode(byte[], int, int)}); then they cover the same picture with fewer pixels.
 *
 * <p>What decoding applied, for whoever must relate the result to the file's bytes (stored unchanged by the platform):
 * {@code orientation} turned the file's {@code storedWidth x storedHeight} pixels upright; {@code significantBits} is
 * what the PNG's {@code sBIT} chunk said per channel (empty when nothing); {@code format} is "png" or "jpeg" and
 * {@code bitDepth} the file's bits per sample (a JPEG's sample precision, 8 for a palette PNG).
 */
public record DecodedImage(
        int width,
        int height,
        int channels,
        float[][] planes,
        int planeWidth,
        int planeHeight,
        String format,
        int bitDepth,
        List<Integer> significantBits,
        Orientation orientation,
        int storedWidth,
        int storedHeight)
{
    public DecodedImage
    {
        requireNonNull(planes, "planes");
        requireNonNull(format, "format");
        significantBits = List.copyOf(significantBits);
        requireNonNull(orientation, "orientation");
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        if (planes.length != channels) {
            throw new IllegalArgumentException("expected " + channels + " planes, got " + planes.length);
        }
        if (width < 1 || height < 1 || planeWidth < 1 || planeHeight < 1 || planeWidth > width || planeHeight > height) {
            throw new IllegalArgumentException("planes of %dx%d cannot show an image of %dx%d".formatted(planeWidth, planeHeight, width, height));
        }
        for (float[] plane : planes) {
            if (plane.length != planeWidth * planeHeight) {
                throw new IllegalArgumentException("plane size does not match " + planeWidth + "x" + planeHeight);
            }
        }
        if (orientation.uprightWidth(storedWidth, storedHeight) != width || orientation.uprightHeight(storedWidth, storedHeight) != height) {
            throw new IllegalArgumentException("a stored %dx%d image is not %dx%d upright with orientation %d"
                    .formatted(storedWidth, storedHeight, width, height, orientation.exifValue()));
        }
    }

    /** An image whose planes are its full size, stored upright, with no significant-bits information. */
    public DecodedImage(int width, int height, int channels, float[][] planes, String format, int bitDepth)
    {
        this(width, height, channels, planes, width, height, format, bitDepth, List.of(), Orientation.NORMAL, width, height);
    }

    /** Whether the planes hold fewer pixels than the picture has (a decode for detection of a large image). */
    public boolean reduced()
    {
        return planeWidth != width || planeHeight != height;
    }

    /** Grey levels, {@code planeWidth x planeHeight}: the single plane, or the mean of red, green and blue. */
    public float[] grey()
    {
        if (channels == 1) {
            return planes[0];
        }
        float[] grey = new float[planeWidth * planeHeight];
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
