package org.cxr.detector.image;

import org.cxr.detector.TestImages;
import org.cxr.detector.image.ImageRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;

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
