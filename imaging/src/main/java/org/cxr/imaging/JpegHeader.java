package org.cxr.imaging;

/**
 * What a JPEG's marker segments say before the first scan: the start-of-frame marker (which coding process),
 * its sample precision and component count, and the EXIF orientation. Read from the bytes rather than asked of a
 * decoder, so an encoding no decoder here can read is named for what it is instead of surfacing as some exception,
 * and so the orientation does not depend on a metadata parser. Every read is bounds-checked: hostile bytes give
 * "nothing found", never an exception.
 *
 * @param frameMarker the SOFn marker's second byte (0xc0 baseline ... 0xcf), 0xf7 for JPEG-LS, or -1 if none was found
 */
record JpegHeader(int frameMarker, int precision, int components, Orientation orientation)
{
    private static final int SOI = 0xd8;
    private static final int EOI = 0xd9;
    private static final int SOS = 0xda;
    private static final int APP1 = 0xe1;
    private static final int SOF55 = 0xf7; // JPEG-LS
    private static final int ORIENTATION_TAG = 0x0112;

    static JpegHeader read(byte[] bytes)
    {
        int frameMarker = -1;
        int precision = 0;
        int components = 0;
        Orientation orientation = null;
        int at = 2; // after SOI
        while (at + 4 <= bytes.length) {
            if (u8(bytes, at) != 0xff) {
                break; // not a marker where one must be: leave the verdict to the decoder
            }
            int marker = u8(bytes, at + 1);
            if (marker == 0xff) {
                at++; // fill byte
                continue;
            }
            if (marker == SOI || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
                at += 2; // markers without a length
                continue;
            }
            if (marker == EOI || marker == SOS) {
                break;
            }
            int length = u16(bytes, at + 2, false);
            int start = at + 4;
            int end = at + 2 + length;
            if (length < 2 || end > bytes.length) {
                break;
            }
            if (frameMarker < 0 && isFrame(marker) && end - start >= 6) {
                frameMarker = marker;
                precision = u8(bytes, start);
                components = u8(bytes, start + 5);
            }
            else if (marker == APP1 && orientation == null && isExif(bytes, start, end)) {
                // Only the first Exif segment counts, as for browsers and for the decoder's own metadata.
                orientation = exifOrientation(bytes, start + 6, end);
            }
            at = end;
        }
        return new JpegHeader(frameMarker, precision, components, orientation == null ? Orientation.NORMAL : orientation);
    }

    /** The reason this frame cannot be decoded here, phrased for the person who sent it; null when it can. */
    String unsupported()
    {
        return switch (frameMarker) {
            case 0xc0, 0xc1, 0xc2 -> precision == 8 ? null
                    : precision + "-bit JPEG is not supported; send 8-bit JPEG or 16-bit PNG.";
            case 0xc3 -> null; // lossless (Huffman), 2 to 16 bits: TwelveMonkeys decodes it
            case 0xc5, 0xc6, 0xc7 -> "Hierarchical (differential) JPEG is not supported; send baseline or progressive JPEG, or PNG.";
            case 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf -> "Arithmetic-coded JPEG is not supported; send Huffman-coded (ordinary) JPEG, or PNG.";
            case SOF55 -> "JPEG-LS is not supported; send JPEG or PNG.";
            default -> null;
        };
    }

    private static boolean isFrame(int marker)
    {
        // C4 (DHT), C8 (reserved) and CC (DAC) share the range but are not frames.
        return (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc) || marker == SOF55;
    }

    private static boolean isExif(byte[] bytes, int start, int end)
    {
        return end - start >= 6 && bytes[start] == 'E' && bytes[start + 1] == 'x' && bytes[start + 2] == 'i' && bytes[start + 3] == 'f'
                && bytes[start + 4] == 0;
    }

    /** The Orientation tag of IFD0 in the TIFF structure at [{@code tiff}, {@code end}); null when absent or unreadable. */
    static Orientation exifOrientation(byte[] bytes, int tiff, int end)
    {
        if (end - tiff < 8) {
            return null;
        }
        boolean little;
        if (bytes[tiff] == 'I' && bytes[tiff + 1] == 'I') {
            little = true;
        }
        else if (bytes[tiff] == 'M' && bytes[tiff + 1] == 'M') {
            little = false;
        }
        else {
            return null;
        }
        if (u16(bytes, tiff + 2, little) != 42) {
            return null;
        }
        long ifd = u32(bytes, tiff + 4, little);
        if (ifd < 8 || ifd > end - tiff - 2) {
            return null;
        }
        int entries = tiff + (int) ifd;
        int count = u16(bytes, entries, little);
        for (int i = 0; i < count; i++) {
            int entry = entries + 2 + 12 * i;
            if (entry + 12 > end) {
                return null;
            }
            if (u16(bytes, entry, little) == ORIENTATION_TAG) {
                int type = u16(bytes, entry + 2, little);
                // SHORT, one value, held in the first two bytes of the value field.
                if (type != 3 || u32(bytes, entry + 4, little) < 1) {
                    return null;
                }
                return Orientation.fromExif(u16(bytes, entry + 8, little));
            }
        }
        return null;
    }

    private static int u8(byte[] bytes, int at)
    {
        return bytes[at] & 0xff;
    }

    private static int u16(byte[] bytes, int at, boolean little)
    {
        int a = bytes[at] & 0xff;
        int b = bytes[at + 1] & 0xff;
        return little ? a | b << 8 : a << 8 | b;
    }

    private static long u32(byte[] bytes, int at, boolean little)
    {
        long first = u16(bytes, at, little);
        long second = u16(bytes, at + 2, little);
        return little ? first | second << 16 : first << 16 | second;
    }
}
