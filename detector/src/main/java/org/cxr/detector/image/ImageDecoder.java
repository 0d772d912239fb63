package org.cxr.detector.image;

import org.cxr.detector.image.ImageRejectedException.Reason;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;

/**
 * Reads PNG and JPEG files (8- and 16-bit, grey and colour) into planes of [0, 1] values. The dimensions are read
 * from the header and checked against the pixel limit before any pixel is decoded, so a small file claiming a huge
 * image (a decompression bomb) costs nothing. Anything the decoder warns about (a truncated JPEG, say) is refused
 * rather than returned half grey.
 */
public final class ImageDecoder
{
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final long maxPixels;

    public ImageDecoder(long maxPixels)
    {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive");
        }
        this.maxPixels = maxPixels;
    }

    /** "png", "jpeg", or null when the bytes start like neither. */
    public static String sniffFormat(byte[] bytes)
    {
        if (bytes.length >= PNG_MAGIC.length && java.util.Arrays.equals(bytes, 0, PNG_MAGIC.length, PNG_MAGIC, 0, PNG_MAGIC.length)) {
            return "png";
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8 && (bytes[2] & 0xff) == 0xff) {
            return "jpeg";
        }
        return null;
    }

    public DecodedImage decode(byte[] bytes)
    {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "The file is empty.");
        }
        String format = sniffFormat(bytes);
        if (format == null) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "Not a PNG or JPEG image.");
        }
        try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
            if (!readers.hasNext()) {
                throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "No " + format + " reader is available.");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1) {
                    throw new ImageRejectedException(Reason.CORRUPT, "The image header gives no size.");
                }
                if ((long) width * height > maxPixels) {
                    throw new ImageRejectedException(Reason.TOO_MANY_PIXELS,
                            "The image is %d x %d pixels; at most %d pixels are accepted.".formatted(width, height, maxPixels));
                }
                StringBuilder warnings = new StringBuilder();
                reader.addIIOReadWarningListener((source, warning) -> warnings.append(warning).append(' '));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new ImageRejectedException(Reason.CORRUPT, "The image is damaged: " + warnings.toString().trim());
                }
                return toPlanes(image, format);
            }
            finally {
                reader.dispose();
            }
        }
        catch (ImageRejectedException e) {
            throw e;
        }
        catch (IOException | RuntimeException | OutOfMemoryError e) {
            // Decoders throw all sorts on hostile input (IIOException, IndexOutOfBounds, NegativeArraySize...):
            // every one of them means the file cannot be read.
            throw new ImageRejectedException(Reason.CORRUPT, "The " + format.toUpperCase(java.util.Locale.ROOT) + " file is damaged or truncated.", e);
        }
    }

    private static DecodedImage toPlanes(BufferedImage image, String format)
    {
        int width = image.getWidth();
        int height = image.getHeight();
        ColorModel colorModel = image.getColorModel();
        Raster raster = image.getRaster();
        int bands = raster.getNumBands();
        int bits = raster.getSampleModel().getSampleSize(0);
        if (colorModel instanceof IndexColorModel || bits > 16 || (bands != 1 && bands != 2 && bands != 3 && bands != 4)) {
            // Palette or unusual layouts: let Java convert to 8-bit RGB.
            float[][] rgb = new float[3][width * height];
            int[] row = new int[width];
            for (int y = 0; y < height; y++) {
                image.getRGB(0, y, width, 1, row, 0, width);
                for (int x = 0; x < width; x++) {
                    int p = row[x];
                    rgb[0][y * width + x] = ((p >> 16) & 0xff) / 255f;
                    rgb[1][y * width + x] = ((p >> 8) & 0xff) / 255f;
                    rgb[2][y * width + x] = (p & 0xff) / 255f;
                }
            }
            return new DecodedImage(width, height, 3, rgb, format, 8);
        }
        int channels = bands <= 2 ? 1 : 3; // a grey+alpha or RGBA image: alpha is dropped
        float max = (float) ((1 << bits) - 1);
        float[][] planes = new float[channels][width * height];
        int[] samples = new int[width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                raster.getSamples(0, y, width, 1, c, samples);
                for (int x = 0; x < width; x++) {
                    planes[c][y * width + x] = samples[x] / max;
                }
            }
        }
        return new DecodedImage(width, height, channels, planes, format, bits);
    }
}
