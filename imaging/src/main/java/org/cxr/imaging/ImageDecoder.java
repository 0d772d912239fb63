package org.cxr.imaging;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import org.cxr.imaging.ImageRejectedException.Reason;

import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * Reads PNG and JPEG files (8- and 16-bit, grey and colour, palette, CMYK and YCCK JPEG, lossless JPEG) into upright
 * planes of [0, 1] intensities, mapped as the {@link Intensity} says.
 *
 * <p>The dimensions are read from the header and checked against the pixel limit before any pixel is decoded, so a
 * small file claiming a huge image (a decompression bomb) costs nothing. Encodings that are valid but that no decoder
 * here reads (12-bit and arithmetic-coded JPEG, for instance) are named from the frame marker before decoding and
 * refused as {@link Reason#UNSUPPORTED_ENCODING}. Anything the decoder warns about in the image data (a truncated
 * JPEG, say) is refused as {@link Reason#CORRUPT} rather than returned half grey; warnings about colour profiles and
 * other metadata the JPEG reader works around are not damage.
 *
 * <p>The pixels held at once by all decodes of one decoder are bounded by its {@link PixelBudget}.
 */
public final class ImageDecoder
{
    private static final int LOSSLESS_FRAME = 0xc3;

    private final long maxPixels;
    private final Intensity intensity;
    private final PixelBudget budget;

    /** Full-range intensities ({@link Intensity#BIT_DEPTH}) and a budget of one maximal image. */
    public ImageDecoder(long maxPixels)
    {
        this(maxPixels, Intensity.BIT_DEPTH, new PixelBudget(Math.min(Math.max(maxPixels, 1), Integer.MAX_VALUE)));
    }

    public ImageDecoder(long maxPixels, Intensity intensity, PixelBudget budget)
    {
        if (maxPixels < 1) {
            throw new IllegalArgumentException("max pixels must be positive");
        }
        this.maxPixels = maxPixels;
        this.intensity = requireNonNull(intensity, "intensity");
        this.budget = requireNonNull(budget, "budget");
    }

    /** The whole image at full resolution, upright. */
    public DecodedImage decode(byte[] bytes)
    {
        return decode(bytes, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * The image upright, read at reduced size when it is much larger than needed: every n-th pixel of every n-th row,
     * for the largest n that keeps at least {@code minWidth x minHeight} pixels of the upright picture. The planes are
     * then smaller than {@link DecodedImage#width()} x {@link DecodedImage#height()}, which stay the full size.
     * Skipping happens inside the decoder, so the full-size pixels are never held.
     */
    public DecodedImage decode(byte[] bytes, int minWidth, int minHeight)
    {
        if (minWidth < 1 || minHeight < 1) {
            throw new IllegalArgumentException("minimum size must be positive");
        }
        return withReader(bytes, (reader, format, facts) -> read(reader, format, facts, minWidth, minHeight));
    }

    private interface ReaderWork<T>
    {
        T apply(ImageReader reader, String format, FileFacts facts)
                throws IOException;
    }

    private <T> T withReader(byte[] bytes, ReaderWork<T> work)
    {
        if (bytes == null || bytes.length == 0) {
            throw new ImageRejectedException(Reason.EMPTY, "The file is empty.");
        }
        String format = ImageFormat.of(bytes).map(ImageFormat::readerName).orElse(null);
        if (format == null) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_FORMAT, "Not a PNG or JPEG image.");
        }
        FileFacts facts = format.equals("jpeg") ? jpegFacts(bytes) : pngFacts(bytes);
        // Read in place: a caching stream would hold a second copy of a file that may be 100 MB.
        try (ImageInputStream input = new ByteArrayImageInputStream(bytes)) {
            ImageReader reader = ImageReaders.create(format);
            try {
                // Metadata ignored: the pixel reader then skips text and profile chunks instead of inflating them.
                reader.setInput(input, true, true);
                return work.apply(reader, format, facts);
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
            throw new ImageRejectedException(Reason.CORRUPT, "The " + format.toUpperCase(Locale.ROOT) + " file is damaged or truncated.", e);
        }
    }

    /** The stored width and height from the header, refused when absent or above the pixel limit. */
    private long[] checkedSize(ImageReader reader)
            throws IOException
    {
        int storedWidth = reader.getWidth(0);
        int storedHeight = reader.getHeight(0);
        if (storedWidth < 1 || storedHeight < 1) {
            throw new ImageRejectedException(Reason.CORRUPT, "The image header gives no size.");
        }
        long storedPixels = (long) storedWidth * storedHeight;
        if (storedPixels > maxPixels) {
            throw new ImageRejectedException(Reason.TOO_MANY_PIXELS,
                    "The image is %d x %d pixels; at most %d pixels are accepted.".formatted(storedWidth, storedHeight, maxPixels));
        }
        return new long[] {storedWidth, storedHeight};
    }

    private DecodedImage read(ImageReader reader, String format, FileFacts facts, int minWidth, int minHeight)
            throws IOException
    {
        long[] size = checkedSize(reader);
        int storedWidth = (int) size[0];
        int storedHeight = (int) size[1];
        long storedPixels = (long) storedWidth * storedHeight;
        Orientation orientation = facts.orientation();
        int period = period(orientation.uprightWidth(storedWidth, storedHeight), orientation.uprightHeight(storedWidth, storedHeight), minWidth, minHeight);
        // TwelveMonkeys' lossless decoder ignores the read parameters: it returns every pixel, skipped afterwards.
        boolean readerSkips = facts.frameMarker() != LOSSLESS_FRAME;
        long held = readerSkips ? (long) ceilDiv(storedWidth, period) * ceilDiv(storedHeight, period) : storedPixels;
        try (PixelBudget.Lease lease = budget.acquire(held)) {
            ImageReadParam param = reader.getDefaultReadParam();
            if (period > 1 && readerSkips) {
                param.setSourceSubsampling(period, period, 0, 0);
            }
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0, param);
            List<String> damage = warnings.stream().filter(w -> format.equals("png") || !aboutMetadata(w)).toList();
            if (!damage.isEmpty()) {
                throw new ImageRejectedException(Reason.CORRUPT, "The image is damaged: " + String.join(" ", damage));
            }
            int stride = period > 1 && image.getWidth() == storedWidth && image.getHeight() == storedHeight ? period : 1;
            return toPlanes(image, stride, format, facts, orientation, storedWidth, storedHeight);
        }
    }

    /** The largest n keeping at least the minimum size when every n-th pixel and row is read; 1 for small images. */
    static int period(int width, int height, int minWidth, int minHeight)
    {
        return Math.max(1, Math.min(width / minWidth, height / minHeight));
    }

    /**
     * Warnings of the JPEG reader that concern metadata it then works around (an ICC profile it cannot use, an odd
     * Adobe or Exif segment, a thumbnail); the rest (libjpeg's "Corrupt JPEG data", "Premature end of JPEG file"...)
     * are about the image data.
     */
    private static boolean aboutMetadata(String warning)
    {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("icc") || w.contains("color profile") || w.contains("colors may look incorrect") || w.contains("app14")
                || w.contains("bogus app") || w.contains("exif") || w.contains("thumbnail");
    }

    private static FileFacts jpegFacts(byte[] bytes)
    {
        JpegHeader header = JpegHeader.read(bytes);
        String unsupported = header.unsupported();
        if (unsupported != null) {
            throw new ImageRejectedException(Reason.UNSUPPORTED_ENCODING, unsupported);
        }
        return new FileFacts(header.frameMarker(), header.precision(), List.of(), false, header.orientation());
    }

    private static FileFacts pngFacts(byte[] bytes)
    {
        PngHeader header = PngHeader.read(bytes);
        if (header == null) {
            return new FileFacts(-1, 0, List.of(), false, Orientation.NORMAL); // the reader will say what is wrong
        }
        return new FileFacts(-1, header.bitDepth(), header.significantBits(), header.colorType() == PngHeader.PALETTE, Orientation.NORMAL);
    }

    /**
     * What the file's own header said. {@code bitDepth} is the sample precision (0 when unknown), which for a lossless
     * JPEG may be less than the 16 bits of the raster holding it.
     */
    private record FileFacts(int frameMarker, int bitDepth, List<Integer> significantBits, boolean palette, Orientation orientation) {}

    private DecodedImage toPlanes(BufferedImage image, int stride, String format, FileFacts facts, Orientation orientation, int storedWidth, int storedHeight)
    {
        Samples samples = Samples.of(image, facts.bitDepth());
        int width = ceilDiv(image.getWidth(), stride);
        int height = ceilDiv(image.getHeight(), stride);
        // The palette's sBIT describes the palette's 8-bit entries, which are already full range.
        List<Integer> significantBits = samples.convertedToRgb() || facts.palette() ? List.<Integer>of() : colourBits(facts.significantBits(), samples.channels());
        float[][] window = IntensityWindow.of(intensity, samples, stride, width, height, significantBits);
        float[][] planes = new float[samples.channels()][width * height];
        // Every sample value's intensity, computed once: a look-up per pixel instead of a division, same floats.
        float[][] intensities = new float[planes.length][];
        for (int c = 0; c < planes.length; c++) {
            intensities[c] = intensities(window[c][0], window[c][1], samples.storageBits());
        }
        int[] row = new int[samples.width()];
        for (int y = 0; y < height; y++) {
            for (int c = 0; c < planes.length; c++) {
                samples.row(c, y * stride, row);
                float[] intensity = intensities[c];
                float[] plane = planes[c];
                if (orientation == Orientation.NORMAL) {
                    int start = y * width;
                    for (int x = 0; x < width; x++) {
                        plane[start + x] = intensity[row[x * stride]];
                    }
                }
                else {
                    for (int x = 0; x < width; x++) {
                        plane[orientation.uprightIndex(x, y, width, height)] = intensity[row[x * stride]];
                    }
                }
            }
        }
        return new DecodedImage(
                orientation.uprightWidth(storedWidth, storedHeight), orientation.uprightHeight(storedWidth, storedHeight),
                planes.length, planes,
                orientation.uprightWidth(width, height), orientation.uprightHeight(width, height),
                format, samples.bits(), facts.significantBits(), orientation, storedWidth, storedHeight);
    }

    /** The intensity in [0, 1] of each value a sample of {@code storageBits} bits can hold, in the window. */
    static float[] intensities(float black, float range, int storageBits)
    {
        float[] intensities = new float[1 << storageBits];
        for (int value = 0; value < intensities.length; value++) {
            float v = (value - black) / range;
            intensities[value] = v < 0 ? 0 : Math.min(v, 1f);
        }
        return intensities;
    }

    /** The sBIT values of the colour channels used (alpha dropped); empty unless there is one per channel. */
    private static List<Integer> colourBits(List<Integer> significantBits, int channels)
    {
        if (significantBits.size() < channels) {
            return List.of();
        }
        return significantBits.subList(0, channels);
    }

    private static int ceilDiv(int value, int divisor)
    {
        return (value + divisor - 1) / divisor;
    }

    /** The samples of a decoded image by channel and row, however the image stores them. */
    abstract static class Samples
    {
        /** Columns in a row, skipped or not. */
        abstract int width();

        abstract int channels();

        /** Bits per sample: values are 0 to 2^bits - 1. */
        abstract int bits();

        abstract boolean convertedToRgb();

        /** Bits the raster stores per sample (8 or 16): every value {@link #row} gives is below 2^storageBits. */
        abstract int storageBits();

        /** Row {@code y} of channel {@code c}, every column. */
        abstract void row(int c, int y, int[] out);

        static Samples of(BufferedImage image, int declaredBits)
        {
            ColorModel colorModel = image.getColorModel();
            Raster raster = image.getRaster();
            int bands = raster.getNumBands();
            int bits = raster.getSampleModel().getSampleSize(0);
            if (colorModel instanceof IndexColorModel || bits > 16 || (bands != 1 && bands != 2 && bands != 3 && bands != 4)) {
                return new Rgb(image);
            }
            // A lossless JPEG of 12-bit precision comes in a 16-bit raster; its values stop at 4095.
            int precision = declaredBits > 0 && declaredBits < bits ? declaredBits : bits;
            return new Bands(raster, bands <= 2 ? 1 : 3, precision); // grey+alpha and RGBA: alpha is dropped
        }
    }

    private static final class Bands
            extends Samples
    {
        private final Raster raster;
        private final int channels;
        private final int bits;

        Bands(Raster raster, int channels, int bits)
        {
            this.raster = raster;
            this.channels = channels;
            this.bits = bits;
        }

        @Override
        int width()
        {
            return raster.getWidth();
        }

        @Override
        int channels()
        {
            return channels;
        }

        @Override
        int bits()
        {
            return bits;
        }

        @Override
        boolean convertedToRgb()
        {
            return false;
        }

        @Override
        int storageBits()
        {
            // The largest of the bands' sizes: a packed layout (5-6-5 RGB) stores its bands in different widths.
            int bits = 0;
            for (int size : raster.getSampleModel().getSampleSize()) {
                bits = Math.max(bits, size);
            }
            return bits;
        }

        @Override
        void row(int c, int y, int[] out)
        {
            raster.getSamples(0, y, raster.getWidth(), 1, c, out);
        }
    }

    /** Palettes and unusual layouts, converted by Java to 8-bit RGB. */
    private static final class Rgb
            extends Samples
    {
        private final BufferedImage image;
        private final int[] packed;
        private int packedRow = -1;

        Rgb(BufferedImage image)
        {
            this.image = image;
            this.packed = new int[image.getWidth()];
        }

        @Override
        int width()
        {
            return image.getWidth();
        }

        @Override
        int channels()
        {
            return 3;
        }

        @Override
        int bits()
        {
            return 8;
        }

        @Override
        boolean convertedToRgb()
        {
            return true;
        }

        @Override
        int storageBits()
        {
            return 8;
        }

        @Override
        void row(int c, int y, int[] out)
        {
            if (packedRow != y) {
                image.getRGB(0, y, image.getWidth(), 1, packed, 0, image.getWidth());
                packedRow = y;
            }
            int shift = 16 - 8 * c;
            for (int x = 0; x < packed.length; x++) {
                out[x] = (packed[x] >> shift) & 0xff;
            }
        }
    }
}
