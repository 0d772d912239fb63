package org.cxr.imaging;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

import static java.util.Objects.requireNonNull;

/**
 * How a file's stored pixels become the upright picture: the eight values of the EXIF Orientation tag (0x0112). The
 * detector works on the upright picture and reports boxes in it, while the platform keeps the file's bytes as sent, so
 * every module that turns stored pixels or boxes into upright ones (or back) uses these methods and no other copy of
 * the arithmetic.
 *
 * <p>Sizes are always the stored ones ({@code storedWidth x storedHeight}, as in the file); the upright size has them
 * swapped when {@link #transposes()}.
 */
public enum Orientation
{
    /** 1: stored upright. */
    NORMAL(1),
    /** 2: stored mirrored left to right. */
    MIRROR_HORIZONTAL(2),
    /** 3: stored upside down. */
    ROTATE_180(3),
    /** 4: stored mirrored top to bottom. */
    MIRROR_VERTICAL(4),
    /** 5: stored transposed (mirrored about the main diagonal). */
    TRANSPOSE(5),
    /** 6: stored on its side; turning the stored image 90 degrees clockwise makes it upright. */
    ROTATE_90_CLOCKWISE(6),
    /** 7: stored mirrored about the anti-diagonal. */
    TRANSVERSE(7),
    /** 8: stored on its other side; turning the stored image 90 degrees counter-clockwise makes it upright. */
    ROTATE_90_COUNTER_CLOCKWISE(8);

    private final int exifValue;

    Orientation(int exifValue)
    {
        this.exifValue = exifValue;
    }

    /** The EXIF Orientation value, 1 to 8. */
    public int exifValue()
    {
        return exifValue;
    }

    /** The orientation an EXIF value names; anything outside 1 to 8 (a damaged tag) counts as upright. */
    public static Orientation fromExif(int value)
    {
        return value >= 1 && value <= 8 ? values()[value - 1] : NORMAL;
    }

    /**
     * The orientation a file states, read from its header without decoding: a JPEG's first Exif segment; upright for a
     * PNG and for anything without the tag. The decoder applies the same value.
     */
    public static Orientation of(byte[] file)
    {
        requireNonNull(file, "file");
        if (!ImageFormat.JPEG.matches(file)) {
            return NORMAL;
        }
        return JpegHeader.read(file).orientation();
    }

    /** Whether the upright picture has the stored width and height swapped (orientations 5 to 8). */
    public boolean transposes()
    {
        return exifValue >= 5;
    }

    public int uprightWidth(int storedWidth, int storedHeight)
    {
        return transposes() ? storedHeight : storedWidth;
    }

    public int uprightHeight(int storedWidth, int storedHeight)
    {
        return transposes() ? storedWidth : storedHeight;
    }

    /** Index in the upright picture's row-by-row pixels of the stored pixel ({@code x}, {@code y}). */
    public int uprightIndex(int x, int y, int storedWidth, int storedHeight)
    {
        int w = storedWidth;
        int h = storedHeight;
        return switch (this) {
            case NORMAL -> y * w + x;
            case MIRROR_HORIZONTAL -> y * w + (w - 1 - x);
            case ROTATE_180 -> (h - 1 - y) * w + (w - 1 - x);
            case MIRROR_VERTICAL -> (h - 1 - y) * w + x;
            // Upright width is h for the four below: stored row y becomes an upright column.
            case TRANSPOSE -> x * h + y;
            case ROTATE_90_CLOCKWISE -> x * h + (h - 1 - y);
            case TRANSVERSE -> (w - 1 - x) * h + (h - 1 - y);
            case ROTATE_90_COUNTER_CLOCKWISE -> (w - 1 - x) * h + y;
        };
    }

    /** Stored row-by-row pixels made upright (a new array unless the orientation is {@link #NORMAL}). */
    public float[] apply(float[] stored, int storedWidth, int storedHeight)
    {
        requireNonNull(stored, "stored");
        checkSize(stored.length, storedWidth, storedHeight);
        if (this == NORMAL) {
            return stored;
        }
        float[] upright = new float[stored.length];
        for (int y = 0; y < storedHeight; y++) {
            for (int x = 0; x < storedWidth; x++) {
                upright[uprightIndex(x, y, storedWidth, storedHeight)] = stored[y * storedWidth + x];
            }
        }
        return upright;
    }

    /**
     * A stored image made upright, any pixel type: same colour model, samples copied unchanged (so a 16-bit image stays
     * 16-bit). The same image is returned for {@link #NORMAL}.
     */
    public BufferedImage apply(BufferedImage stored)
    {
        requireNonNull(stored, "stored");
        if (this == NORMAL) {
            return stored;
        }
        int w = stored.getWidth();
        int h = stored.getHeight();
        Raster source = stored.getRaster();
        WritableRaster target = source.createCompatibleWritableRaster(uprightWidth(w, h), uprightHeight(w, h));
        int uprightWidth = target.getWidth();
        Object pixel = null;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                pixel = source.getDataElements(x, y, pixel);
                int index = uprightIndex(x, y, w, h);
                target.setDataElements(index % uprightWidth, index / uprightWidth, pixel);
            }
        }
        return new BufferedImage(stored.getColorModel(), target, stored.isAlphaPremultiplied(), null);
    }

    /** A box in stored pixels as it lies in the upright picture. */
    public Box toUpright(Box stored, int storedWidth, int storedHeight)
    {
        requireNonNull(stored, "stored");
        double w = storedWidth;
        double h = storedHeight;
        double x0 = stored.xMin();
        double y0 = stored.yMin();
        double x1 = stored.xMax();
        double y1 = stored.yMax();
        return switch (this) {
            case NORMAL -> stored;
            case MIRROR_HORIZONTAL -> new Box(w - x1, y0, w - x0, y1);
            case ROTATE_180 -> new Box(w - x1, h - y1, w - x0, h - y0);
            case MIRROR_VERTICAL -> new Box(x0, h - y1, x1, h - y0);
            case TRANSPOSE -> new Box(y0, x0, y1, x1);
            case ROTATE_90_CLOCKWISE -> new Box(h - y1, x0, h - y0, x1);
            case TRANSVERSE -> new Box(h - y1, w - x1, h - y0, w - x0);
            case ROTATE_90_COUNTER_CLOCKWISE -> new Box(y0, w - x1, y1, w - x0);
        };
    }

    /** A box in the upright picture as it lies in the stored pixels: the inverse of {@link #toUpright}. */
    public Box toStored(Box upright, int storedWidth, int storedHeight)
    {
        requireNonNull(upright, "upright");
        double w = storedWidth;
        double h = storedHeight;
        double u0 = upright.xMin();
        double v0 = upright.yMin();
        double u1 = upright.xMax();
        double v1 = upright.yMax();
        return switch (this) {
            case NORMAL -> upright;
            case MIRROR_HORIZONTAL -> new Box(w - u1, v0, w - u0, v1);
            case ROTATE_180 -> new Box(w - u1, h - v1, w - u0, h - v0);
            case MIRROR_VERTICAL -> new Box(u0, h - v1, u1, h - v0);
            case TRANSPOSE -> new Box(v0, u0, v1, u1);
            case ROTATE_90_CLOCKWISE -> new Box(v0, h - u1, v1, h - u0);
            case TRANSVERSE -> new Box(w - v1, h - u1, w - v0, h - u0);
            case ROTATE_90_COUNTER_CLOCKWISE -> new Box(w - v1, u0, w - v0, u1);
        };
    }

    private static void checkSize(int length, int width, int height)
    {
        if (width < 1 || height < 1 || (long) width * height != length) {
            throw new IllegalArgumentException(length + " pixels do not make a " + width + "x" + height + " image");
        }
    }
}
