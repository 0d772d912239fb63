package org.cxr.imaging;

import java.util.ArrayList;
import java.util.List;

/**
 * What a PNG's chunks before the image data say about its samples: bit depth, colour type, and the significant bits
 * per channel of its {@code sBIT} chunk (empty when there is none or it is invalid).
 *
 * <p>Read by walking the chunk list ourselves, not through ImageIO's {@code javax_imageio_png_1.0} metadata tree:
 * building that tree inflates every {@code zTXt}, {@code iTXt} and {@code iCCP} chunk with no size limit (JDK 17), so a
 * 1 MB file with a text "bomb" would exhaust the heap before a pixel is read. The pixels are read with metadata
 * ignored, which skips those chunks.
 *
 * @param significantBits one value per stored channel, in PNG order: grey; grey, alpha; red, green, blue (also for a
 * palette); red, green, blue, alpha
 */
record PngHeader(int bitDepth, int colorType, List<Integer> significantBits)
{
    static final int GREY = 0;
    static final int RGB = 2;
    static final int PALETTE = 3;
    static final int GREY_ALPHA = 4;
    static final int RGB_ALPHA = 6;

    private static final int SIGNATURE = 8;

    PngHeader
    {
        significantBits = List.copyOf(significantBits);
    }

    /** The header of a file that starts with the PNG signature; null when its IHDR cannot be read. */
    static PngHeader read(byte[] bytes)
    {
        int bitDepth = -1;
        int colorType = -1;
        byte[] sBit = null;
        int at = SIGNATURE;
        while (at + 8 <= bytes.length) {
            long length = u32(bytes, at);
            String type = new String(bytes, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            int data = at + 8;
            if (length > bytes.length - data) {
                break;
            }
            if (type.equals("IHDR") && length >= 13) {
                bitDepth = bytes[data + 8] & 0xff;
                colorType = bytes[data + 9] & 0xff;
            }
            else if (type.equals("sBIT") && length <= 4) {
                sBit = java.util.Arrays.copyOfRange(bytes, data, data + (int) length);
            }
            else if (type.equals("IDAT") || type.equals("IEND")) {
                break; // sBIT must come before the image data
            }
            at = data + (int) length + 4; // and the CRC
        }
        if (bitDepth < 0) {
            return null;
        }
        return new PngHeader(bitDepth, colorType, significantBits(sBit, bitDepth, colorType));
    }

    private static List<Integer> significantBits(byte[] sBit, int bitDepth, int colorType)
    {
        if (sBit == null) {
            return List.of();
        }
        int channels = switch (colorType) {
            case GREY -> 1;
            case GREY_ALPHA -> 2;
            case RGB, PALETTE -> 3;
            case RGB_ALPHA -> 4;
            default -> -1;
        };
        int most = colorType == PALETTE ? 8 : bitDepth;
        if (sBit.length != channels) {
            return List.of();
        }
        List<Integer> bits = new ArrayList<>(channels);
        for (byte b : sBit) {
            int value = b & 0xff;
            if (value < 1 || value > most) {
                return List.of(); // the PNG specification's limits; a chunk outside them says nothing reliable
            }
            bits.add(value);
        }
        return bits;
    }

    private static long u32(byte[] bytes, int at)
    {
        return (bytes[at] & 0xffL) << 24 | (bytes[at + 1] & 0xffL) << 16 | (bytes[at + 2] & 0xffL) << 8 | (bytes[at + 3] & 0xffL);
    }
}
