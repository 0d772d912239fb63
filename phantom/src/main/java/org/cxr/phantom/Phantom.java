package org.cxr.phantom;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A synthetic frontal chest radiograph: grey levels in [0, 1] row by row, and the findings drawn into it.
 * Not a real patient and not for clinical use.
 */
public record Phantom(int width, int height, float[] pixels, List<Finding> findings)
{
    public Phantom
    {
        requireNonNull(pixels, "pixels");
        if (pixels.length != width * height) {
            throw new IllegalArgumentException("pixels do not match " + width + "x" + height);
        }
        findings = List.copyOf(findings);
    }

    /** The radiograph as an 8-bit or 16-bit grayscale image. */
    public BufferedImage toImage(int bitDepth)
    {
        if (bitDepth == 8) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            byte[] data = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < pixels.length; i++) {
                data[i] = (byte) Math.round(pixels[i] * 255f);
            }
            return image;
        }
        if (bitDepth == 16) {
            BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
            short[] data = ((DataBufferUShort) image.getRaster().getDataBuffer()).getData();
            for (int i = 0; i < pixels.length; i++) {
                data[i] = (short) Math.round(pixels[i] * 65535f);
            }
            return image;
        }
        throw new IllegalArgumentException("bit depth must be 8 or 16, got " + bitDepth);
    }
}
