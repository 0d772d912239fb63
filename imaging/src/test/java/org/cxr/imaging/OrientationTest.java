package org.cxr.imaging;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferUShort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class OrientationTest
{
    // Stored 3 x 2:   a b c
    //                 d e f
    private static final float[] STORED = {1, 2, 3, 4, 5, 6};

    @Test
    void eachExifValueTurnsTheStoredPixelsAsTheExifSpecificationDescribes()
    {
        assertUpright(Orientation.NORMAL, 3, 1, 2, 3, 4, 5, 6);
        assertUpright(Orientation.MIRROR_HORIZONTAL, 3, 3, 2, 1, 6, 5, 4);
        assertUpright(Orientation.ROTATE_180, 3, 6, 5, 4, 3, 2, 1);
        assertUpright(Orientation.MIRROR_VERTICAL, 3, 4, 5, 6, 1, 2, 3);
        // 2 x 3 upright from here on.
        assertUpright(Orientation.TRANSPOSE, 2, 1, 4, 2, 5, 3, 6);
        // Stored row 0 is the upright right-hand column, stored column 0 the top row.
        assertUpright(Orientation.ROTATE_90_CLOCKWISE, 2, 4, 1, 5, 2, 6, 3);
        assertUpright(Orientation.TRANSVERSE, 2, 6, 3, 5, 2, 4, 1);
        assertUpright(Orientation.ROTATE_90_COUNTER_CLOCKWISE, 2, 3, 6, 2, 5, 1, 4);
    }

    @Test
    void exifValuesOutsideOneToEightMeanUpright()
    {
        assertThat(Orientation.fromExif(0)).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.fromExif(9)).isEqualTo(Orientation.NORMAL);
        assertThat(Orientation.fromExif(6)).isEqualTo(Orientation.ROTATE_90_CLOCKWISE);
        for (Orientation orientation : Orientation.values()) {
            assertThat(Orientation.fromExif(orientation.exifValue())).isEqualTo(orientation);
        }
    }

    @Test
    void boxesFollowThePixelsBothWays()
    {
        int w = 7;
        int h = 5;
        for (Orientation orientation : Orientation.values()) {
            int uw = orientation.uprightWidth(w, h);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    // The one-pixel box of stored pixel (x, y) lands on the pixel the pixel transform puts it on.
                    Box upright = orientation.toUpright(new Box(x, y, x + 1, y + 1), w, h);
                    int index = orientation.uprightIndex(x, y, w, h);
                    assertThat(upright).as("%s (%d, %d)", orientation, x, y).isEqualTo(new Box(index % uw, index / uw, index % uw + 1, index / uw + 1));
                    assertThat(orientation.toStored(upright, w, h)).isEqualTo(new Box(x, y, x + 1, y + 1));
                }
            }
            Box any = new Box(1.25, 0.5, 4.75, 3);
            Box back = orientation.toStored(orientation.toUpright(any, w, h), w, h);
            assertThat(back.xMin()).isCloseTo(any.xMin(), within(1e-12));
            assertThat(back.yMax()).isCloseTo(any.yMax(), within(1e-12));
        }
    }

    @Test
    void imagesOfAnySampleTypeTurnAsThePlanesDo()
    {
        BufferedImage stored = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) stored.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = (short) (1000 * STORED[i]);
        }
        for (Orientation orientation : Orientation.values()) {
            BufferedImage upright = orientation.apply(stored);
            float[] planes = orientation.apply(STORED, 3, 2);
            assertThat(upright.getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
            assertThat(upright.getWidth()).isEqualTo(orientation.uprightWidth(3, 2));
            for (int i = 0; i < planes.length; i++) {
                assertThat(upright.getRaster().getSample(i % upright.getWidth(), i / upright.getWidth(), 0)).isEqualTo((int) (1000 * planes[i]));
            }
        }
    }

    private static void assertUpright(Orientation orientation, int uprightWidth, float... expected)
    {
        assertThat(orientation.uprightWidth(3, 2)).isEqualTo(uprightWidth);
        assertThat(orientation.apply(STORED, 3, 2)).as(orientation.name()).containsExactly(expected);
    }
}
