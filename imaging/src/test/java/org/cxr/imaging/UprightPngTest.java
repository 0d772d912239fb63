package org.cxr.imaging;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UprightPngTest
{
    private static final int WIDTH = 48;
    private static final int HEIGHT = 32;

    @Test
    void aJpegStoredOnItsSideBecomesAnUprightPngThatAReaderIgnoringExifSeesUpright()
            throws IOException
    {
        float[] upright = pattern();
        for (Orientation orientation : Orientation.values()) {
            byte[] jpeg = ImageBytes.insertJpegSegment(ImageBytes.storedJpeg(upright, WIDTH, HEIGHT, orientation), 0xe1,
                    ImageBytes.exifOrientation(orientation.exifValue(), false));
            assertThat(Orientation.of(jpeg)).isEqualTo(orientation);

            BufferedImage png = ImageIO.read(new ByteArrayInputStream(UprightPng.encode(new ImageDecoder(1 << 20).decode(jpeg))));

            assertThat(png.getWidth()).as("%s", orientation).isEqualTo(WIDTH);
            assertThat(png.getHeight()).isEqualTo(HEIGHT);
            assertThat(png.getRaster().getNumBands()).isEqualTo(1);
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    assertThat(png.getRaster().getSample(x, y, 0)).as("%s (%d, %d)", orientation, x, y)
                            .isCloseTo(Math.round(255 * upright[y * WIDTH + x]), within(6));
                }
            }
        }
    }

    @Test
    void aPngHasNoOrientationAndSixteenBitsStaySixteen()
            throws IOException
    {
        BufferedImage deep = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                deep.getRaster().setSample(x, y, 0, x * 1000 + y);
            }
        }
        byte[] file = TestImages.png(deep);
        assertThat(Orientation.of(file)).isEqualTo(Orientation.NORMAL);

        BufferedImage back = ImageIO.read(new ByteArrayInputStream(UprightPng.encode(new ImageDecoder(1 << 20).decode(file))));

        assertThat(back.getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
        assertThat(back.getRaster().getSample(47, 31, 0)).isEqualTo(47 * 1000 + 31);
    }

    @Test
    void aReducedDecodeIsNotWritten()
    {
        byte[] file = TestImages.png(new BufferedImage(400, 400, BufferedImage.TYPE_BYTE_GRAY));
        DecodedImage reduced = new ImageDecoder(1 << 20).decode(file, 100, 100);

        assertThatThrownBy(() -> UprightPng.encode(reduced)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Brighter to the right and down, with a bright top-left corner: no two orientations of it look alike. */
    private static float[] pattern()
    {
        float[] values = new float[WIDTH * HEIGHT];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                values[y * WIDTH + x] = x < 8 && y < 8 ? 1f : (x + 2f * y) / (WIDTH + 2f * HEIGHT);
            }
        }
        return values;
    }
}
