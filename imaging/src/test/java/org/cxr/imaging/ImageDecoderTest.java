package org.cxr.imaging;

import org.cxr.imaging.ImageRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ImageDecoderTest
{
    private final ImageDecoder decoder = new ImageDecoder(10_000_000);

    @Test
    void readsEightBitGreyPngAsOnePlaneOfZeroToOne()
    {
        DecodedImage image = decoder.decode(TestImages.png(TestImages.grey(7, 5, 51)));

        assertThat(image.width()).isEqualTo(7);
        assertThat(image.height()).isEqualTo(5);
        assertThat(image.channels()).isEqualTo(1);
        assertThat(image.bitDepth()).isEqualTo(8);
        assertThat(image.planes()[0][12]).isCloseTo(0.2f, within(1e-6f));
    }

    @Test
    void readsSixteenBitGreyPngWithItsFullPrecision()
    {
        DecodedImage image = decoder.decode(TestImages.png(TestImages.grey16(4, 4, 1000)));

        assertThat(image.bitDepth()).isEqualTo(16);
        assertThat(image.planes()[0][0]).isCloseTo(1000f / 65535f, within(1e-7f));
    }

    @Test
    void readsRgbPngAndJpegAsThreePlanes()
    {
        DecodedImage png = decoder.decode(TestImages.png(TestImages.rgb(6, 6, new Color(255, 0, 102))));
        assertThat(png.channels()).isEqualTo(3);
        assertThat(png.planes()[0][0]).isEqualTo(1f);
        assertThat(png.planes()[2][0]).isCloseTo(0.4f, within(1e-6f));
        assertThat(png.grey()[0]).isCloseTo((1f + 0f + 0.4f) / 3, within(1e-6f));

        DecodedImage jpeg = decoder.decode(TestImages.encode(TestImages.rgb(16, 16, new Color(200, 100, 50)), "jpeg"));
        assertThat(jpeg.format()).isEqualTo("jpeg");
        assertThat(jpeg.channels()).isEqualTo(3);
        assertThat(jpeg.planes()[0][0]).isCloseTo(200f / 255f, within(0.03f));
    }

    @Test
    void readsGreyJpeg()
    {
        DecodedImage jpeg = decoder.decode(TestImages.encode(TestImages.grey(16, 16, 128), "jpeg"));

        assertThat(jpeg.channels()).isEqualTo(1);
        assertThat(jpeg.planes()[0][5]).isCloseTo(128f / 255f, within(0.02f));
    }

    @Test
    void refusesAHeaderClaimingMorePixelsThanAllowedBeforeDecodingAnything()
    {
        // A valid PNG signature and IHDR for 100000 x 100000 pixels, and no image data at all.
        byte[] bomb = pngHeader(100_000, 100_000);

        assertThatThrownBy(() -> decoder.decode(bomb))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessageContaining("100000 x 100000")
                .extracting(e -> ((ImageRejectedException) e).reason()).isEqualTo(Reason.TOO_MANY_PIXELS);
    }

    @Test
    void refusesTruncatedPngAndJpeg()
    {
        byte[] png = TestImages.png(noisy());
        byte[] jpeg = TestImages.encode(noisy(), "jpeg");

        assertRejected(Arrays.copyOf(png, png.length / 2), Reason.CORRUPT);
        assertRejected(Arrays.copyOf(jpeg, jpeg.length / 2), Reason.CORRUPT);
        assertRejected(Arrays.copyOf(png, 20), Reason.CORRUPT);
    }

    @Test
    void refusesEmptyFilesAndFilesThatAreNotImages()
    {
        assertRejected(new byte[0], Reason.EMPTY);
        assertRejected("GIF89a....".getBytes(), Reason.UNSUPPORTED_FORMAT);
        assertRejected("<svg xmlns='http://www.w3.org/2000/svg'/>".getBytes(), Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void refusesBitFlippedImagesWithoutThrowingAnythingElse()
    {
        byte[] png = TestImages.png(noisy());
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 200; i++) {
            byte[] damaged = png.clone();
            for (int flips = 0; flips < 4; flips++) {
                int at = 8 + random.nextInt(damaged.length - 8);
                damaged[at] ^= (byte) (1 << random.nextInt(8));
            }
            try {
                decoder.decode(damaged);
            }
            catch (ImageRejectedException expected) {
                assertThat(expected.reason()).isIn(Reason.CORRUPT, Reason.TOO_MANY_PIXELS);
            }
        }
    }

    @Test
    void readsPaletteOneBitSixteenBitGreyAlphaAndInterlacedPngs()
    {
        byte[] levels = {0, 85, (byte) 170, (byte) 255};
        BufferedImage palette = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(2, 4, levels, levels, levels));
        for (int x = 0; x < 4; x++) {
            palette.getRaster().setSample(x, 0, 0, 3 - x);
        }
        assertThat(decoder.decode(TestImages.png(palette)).grey()).containsExactly(1f, 170f / 255, 85f / 255, 0f);

        BufferedImage oneBit = new BufferedImage(9, 2, BufferedImage.TYPE_BYTE_BINARY);
        oneBit.getRaster().setSample(8, 1, 0, 1);
        float[] bits = decoder.decode(TestImages.png(oneBit)).grey();
        assertThat(bits[17]).isEqualTo(1f);
        assertThat(bits[16]).isZero();

        ComponentColorModel greyAlpha = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = greyAlpha.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {1000, 0});
        raster.setPixel(1, 0, new int[] {65535, 65535});
        DecodedImage alpha = decoder.decode(TestImages.png(new BufferedImage(greyAlpha, raster, false, null)));
        assertThat(alpha.bitDepth()).isEqualTo(16);
        assertThat(alpha.planes()[0]).containsExactly(1000f / 65535, 1f);

        BufferedImage noisy = noisy();
        byte[] interlaced = ImageBytes.interlacedPng(noisy);
        assertThat(interlaced[8 + 8 + 12]).as("IHDR interlace method").isEqualTo((byte) 1);
        DecodedImage adam7 = decoder.decode(interlaced);
        assertThat(adam7.planes()).isDeepEqualTo(decoder.decode(TestImages.png(noisy)).planes());
    }

    @Test
    void aLargeImageIsReadEveryNthPixelForAMinimumSizeAndKeepsItsFullSize()
    {
        BufferedImage image = new BufferedImage(100, 80, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 100; x++) {
                image.getRaster().setSample(x, y, 0, x * 600 + y);
            }
        }
        byte[] png = TestImages.png(image);

        DecodedImage reduced = decoder.decode(png, 25, 20);

        assertThat(ImageDecoder.period(100, 80, 25, 20)).isEqualTo(4);
        assertThat(reduced.width()).isEqualTo(100);
        assertThat(reduced.height()).isEqualTo(80);
        assertThat(reduced.reduced()).isTrue();
        assertThat(reduced.planeWidth()).isEqualTo(25);
        assertThat(reduced.planeHeight()).isEqualTo(20);
        assertThat(reduced.planes()[0][3 * 25 + 7]).isEqualTo((28 * 600 + 12) / 65535f);
        // Never below the minimum, and not at all when there is no room.
        assertThat(decoder.decode(png, 26, 20).planeWidth()).isEqualTo(34);
        assertThat(decoder.decode(png, 60, 10).reduced()).isFalse();
        assertThat(decoder.decode(png).planes()[0]).hasSize(8000);
    }

    @Test
    void theMinimumSizeIsOfTheUprightPicture()
    {
        BufferedImage stored = TestImages.grey(64, 32, 128);
        byte[] jpeg = ImageBytes.insertJpegSegment(ImageBytes.jpeg(stored, 0.9f, false), 0xe1, ImageBytes.exifOrientation(6, false));

        DecodedImage image = decoder.decode(jpeg, 8, 16);

        assertThat(image.width()).isEqualTo(32);
        assertThat(image.height()).isEqualTo(64);
        assertThat(image.planeWidth()).isEqualTo(8);
        assertThat(image.planeHeight()).isEqualTo(16);
        assertThat(image.storedWidth()).isEqualTo(64);
    }

    @Test
    void compressedTextChunksAreNotInflated()
    {
        // A 2 GiB zTXt "bomb" in a 2 MB file: ImageIO's PNG metadata would inflate it all and exhaust the heap.
        byte[] png = TestImages.png(TestImages.grey(8, 8, 51));
        byte[] bomb = ImageBytes.insertPngChunk(png, "zTXt", zTxtBomb(2048));

        DecodedImage image = decoder.decode(ImageBytes.withSbit(bomb, 8));

        assertThat(image.planes()[0][0]).isEqualTo(0.2f);
    }

    /** zTXt data: keyword, method 0, and a zlib stream of {@code mebibytes} MiB of zeros, made without compressing them. */
    private static byte[] zTxtBomb(int mebibytes)
    {
        Deflater deflater = new Deflater(9);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        deflater.setInput(zeros);
        // After a full flush the compressor forgets the past, so the next mebibyte of zeros compresses to the same bytes.
        int n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
        header.write(buffer, 0, n);
        byte[] first = header.toByteArray();
        deflater.setInput(zeros);
        n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
        byte[] repeated = Arrays.copyOf(buffer, n);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("Comment\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        out.writeBytes(first);
        for (int i = 1; i < mebibytes; i++) {
            out.writeBytes(repeated);
        }
        deflater.finish();
        n = deflater.deflate(buffer);
        out.write(buffer, 0, n);
        deflater.end();
        return out.toByteArray();
    }

    private void assertRejected(byte[] bytes, Reason reason)
    {
        assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOf(ImageRejectedException.class)
                .extracting(e -> ((ImageRejectedException) e).reason()).isEqualTo(reason);
    }

    private static java.awt.image.BufferedImage noisy()
    {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(1);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt(0xffffff));
            }
        }
        return image;
    }

    private static byte[] pngHeader(int width, int height)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer chunk = ByteBuffer.allocate(17);
        chunk.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(chunk.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(chunk.array());
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }
}
