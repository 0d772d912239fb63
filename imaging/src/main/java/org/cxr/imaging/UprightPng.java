package org.cxr.imaging;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import static java.util.Objects.requireNonNull;

/**
 * A decoded image written back as a PNG holding its upright pixels and nothing else (no EXIF, no ICC profile): what a
 * loader that ignores EXIF (PIL without {@code exif_transpose}, OpenCV, torchvision) must be given for the boxes
 * found in the upright frame to line up. Grey stays grey and colour stays RGB; samples keep 16 bits when the file
 * had more than 8.
 */
public final class UprightPng
{
    private UprightPng() {}

    public static byte[] encode(DecodedImage image)
    {
        requireNonNull(image, "image");
        if (image.reduced()) {
            throw new IllegalArgumentException("a reduced decode does not hold every pixel of the image");
        }
        boolean deep = image.bitDepth() > 8;
        int max = deep ? 65535 : 255;
        int type = image.channels() == 1
                ? (deep ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY)
                : BufferedImage.TYPE_3BYTE_BGR;
        if (deep && image.channels() == 3) {
            // ImageIO has no 16-bit RGB type constant; 8 bits per channel is what RGB radiographs carry in practice.
            max = 255;
        }
        BufferedImage out = new BufferedImage(image.width(), image.height(), type);
        WritableRaster raster = out.getRaster();
        float[][] planes = image.planes();
        int[] sample = new int[image.channels()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int i = y * image.width() + x;
                for (int c = 0; c < sample.length; c++) {
                    sample[c] = Math.round(planes[c][i] * max);
                }
                raster.setPixel(x, y, sample);
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(out, "png", bytes)) {
                throw new IllegalStateException("no PNG writer");
            }
            return bytes.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
