package org.cxr.imaging;

import org.junit.jupiter.api.Test;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Stored sample values to [0, 1] intensities, as each {@link Intensity} mode says. */
class IntensityTest
{
    private static final long MAX_PIXELS = 10_000_000;

    private final ImageDecoder bitDepth = decoder(Intensity.BIT_DEPTH);
    private final ImageDecoder significantBits = decoder(Intensity.SIGNIFICANT_BITS);

    @Test
    void twelveBitDataInASixteenBitPngWithSbitTwelveSpansTheFullRange()
    {
        byte[] png = ImageBytes.withSbit(TestImages.png(ramp16(4095)), 12);

        DecodedImage image = significantBits.decode(png);

        assertThat(image.bitDepth()).isEqualTo(16);
        assertThat(image.significantBits()).containsExactly(12);
        assertThat(image.planes()[0][0]).isZero();
        assertThat(image.planes()[0][4095]).isEqualTo(1f);
        assertThat(image.planes()[0][1000]).isCloseTo(1000f / 4095, within(1e-7f));
        // What models trained on full-range files get, and what the issue saw: nearly black.
        assertThat(bitDepth.decode(png).planes()[0][4095]).isCloseTo(4095f / 65535, within(1e-7f));
    }

    @Test
    void withoutSbitOrWithFullRangeDataSignificantBitsIsTheBitDepth()
    {
        byte[] plain = TestImages.png(ramp16(65535));
        byte[] scaled = ImageBytes.withSbit(plain, 12); // samples above 4095: the writer scaled them, as the PNG specification asks

        for (byte[] png : new byte[][] {plain, scaled}) {
            float[] expected = bitDepth.decode(png).planes()[0];
            assertThat(significantBits.decode(png).planes()[0]).containsExactly(expected);
        }
        assertThat(significantBits.decode(plain).planes()[0][1000]).isEqualTo(1000f / 65535f);
    }

    @Test
    void eightBitFilesAreUnchangedBySignificantBits()
    {
        byte[] png = TestImages.png(TestImages.grey(8, 8, 51));

        assertThat(significantBits.decode(png).planes()[0]).containsExactly(bitDepth.decode(png).planes()[0]);
    }

    @Test
    void invalidSbitIsIgnored()
    {
        byte[] png = TestImages.png(ramp16(4095));
        for (int bits : new int[] {0, 17}) {
            assertThat(significantBits.decode(ImageBytes.withSbit(png, bits)).planes()[0][4095]).isEqualTo(4095f / 65535f);
        }
        byte[] tooLong = ImageBytes.insertPngChunk(png, "sBIT", new byte[] {12, 12});
        assertThat(significantBits.decode(tooLong).significantBits()).isEmpty();
    }

    @Test
    void sbitIsPerChannel()
    {
        // RGB 5-6-5 data in an 8-bit PNG.
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 31 << 16 | 63 << 8 | 31);
        rgb.setRGB(1, 0, 10 << 16 | 20 << 8 | 30);
        byte[] png = ImageBytes.insertPngChunk(TestImages.png(rgb), "sBIT", new byte[] {5, 6, 5});

        DecodedImage image = significantBits.decode(png);

        assertThat(image.significantBits()).containsExactly(5, 6, 5);
        assertThat(new float[] {image.planes()[0][0], image.planes()[1][0], image.planes()[2][0]}).containsExactly(1f, 1f, 1f);
        assertThat(image.planes()[0][1]).isEqualTo(10f / 31);
        assertThat(image.planes()[1][1]).isEqualTo(20f / 63);
        assertThat(image.planes()[2][1]).isEqualTo(30f / 31);
    }

    @Test
    void sixteenBitGreyWithAlphaUsesTheGreySbit()
    {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(3, 1);
        raster.setPixel(0, 0, new int[] {4095, 65535});
        raster.setPixel(1, 0, new int[] {2000, 0});
        raster.setPixel(2, 0, new int[] {0, 30000});
        byte[] png = ImageBytes.insertPngChunk(TestImages.png(new BufferedImage(model, raster, false, null)), "sBIT", new byte[] {12, 16});

        DecodedImage image = significantBits.decode(png);

        assertThat(image.channels()).isEqualTo(1);
        assertThat(image.planes()[0]).containsExactly(1f, 2000f / 4095, 0f);
    }

    @Test
    void aPalettesSbitDescribesItsEntriesAndIsIgnored()
    {
        byte[] levels = new byte[16];
        for (int i = 0; i < 16; i++) {
            levels[i] = (byte) (i * 17);
        }
        BufferedImage indexed = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(4, 16, levels, levels, levels));
        indexed.getRaster().setSample(1, 0, 0, 3);
        byte[] png = ImageBytes.insertPngChunk(TestImages.png(indexed), "sBIT", new byte[] {4, 4, 4});

        assertThat(significantBits.decode(png).planes()[0][1]).isEqualTo(51f / 255);
    }

    @Test
    void percentileWindowStretchesTheChosenPercentilesAsNumpyComputesThem()
    {
        // Grey levels 0..99: numpy.percentile gives 9.9 and 89.1 for the 10th and 90th percentiles.
        BufferedImage ramp = new BufferedImage(10, 10, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 100; i++) {
            ramp.getRaster().setSample(i % 10, i / 10, 0, i);
        }
        DecodedImage image = decoder(Intensity.percentileWindow(10, 90)).decode(TestImages.png(ramp));

        assertThat(image.planes()[0][50]).isCloseTo(0.50631315f, within(1e-6f));
        assertThat(image.planes()[0][5]).isZero();
        assertThat(image.planes()[0][95]).isEqualTo(1f);
    }

    @Test
    void percentileWindowIsTheGreyWindowForEveryColourChannel()
    {
        BufferedImage rgb = new BufferedImage(100, 1, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 100; i++) {
            rgb.setRGB(i, 0, i << 16 | i << 8 | (i + 3)); // grey = i + 1
        }
        DecodedImage image = decoder(Intensity.percentileWindow(10, 90)).decode(TestImages.png(rgb));

        // Grey 1..100: percentiles 10.9 and 90.1.
        assertThat(image.planes()[0][50]).isCloseTo((50 - 10.9f) / 79.2f, within(1e-5f));
        assertThat(image.planes()[2][50]).isCloseTo((53 - 10.9f) / 79.2f, within(1e-5f));
    }

    @Test
    void percentileWindowOfAFlatImageKeepsTheBitDepth()
    {
        byte[] png = TestImages.png(TestImages.grey(8, 8, 51));

        assertThat(decoder(Intensity.percentileWindow(0.5, 99.5)).decode(png).planes()[0][0]).isEqualTo(0.2f);
    }

    @Test
    void percentileWindowDefaultsToHalfAPercentEachSide()
    {
        Intensity intensity = new Intensity(Intensity.Mode.PERCENTILE_WINDOW, null, null);

        assertThat(List.of(intensity.low(), intensity.high())).containsExactly(0.5, 99.5);
    }

    private static ImageDecoder decoder(Intensity intensity)
    {
        return new ImageDecoder(MAX_PIXELS, intensity, new PixelBudget(MAX_PIXELS));
    }

    /** A 16-bit grey row 0, 1, 2 ... up to {@code max}. */
    static BufferedImage ramp16(int max)
    {
        BufferedImage image = new BufferedImage(max + 1, 1, BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i <= max; i++) {
            data[i] = (short) i;
        }
        return image;
    }
}
