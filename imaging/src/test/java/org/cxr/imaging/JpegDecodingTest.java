package org.cxr.imaging;

import org.cxr.imaging.ImageRejectedException.Reason;
import org.junit.jupiter.api.Test;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * JPEG as files come: which reader, what it decodes (CMYK, YCCK, lossless, odd ICC profiles, EXIF orientation) and
 * what it refuses by name. Fixture files are made by fixtures/images/make_images.py.
 */
class JpegDecodingTest
{
    private final ImageDecoder decoder = new ImageDecoder(10_000_000);

    @Test
    void jpegIsReadByTwelveMonkeysWhateverElseIsRegistered()
    {
        assertThat(ImageReaders.jpegReaderClass()).isEqualTo("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader");
    }

    @Test
    void twelveBitJpegIsRefusedAsUnsupportedNotAsDamaged()
    {
        // Neither TwelveMonkeys 3.14 nor the JDK decodes 12-bit DCT ("Unsupported JPEG data precision 12").
        for (String file : new String[] {"gradient-extended-12.jpg", "gradient-progressive-12.jpg"}) {
            assertUnsupported(TestFiles.fixture("images/" + file), "12-bit JPEG is not supported; send 8-bit JPEG or 16-bit PNG.");
        }
    }

    @Test
    void arithmeticCodedJpegIsRefusedByItsFrameMarker()
    {
        // Some JDK builds (with the system's libjpeg-turbo) happen to decode these and others (the bundled libjpeg 6b)
        // do not; refusing them by their marker gives the same answer on every JVM.
        for (String file : new String[] {"gradient-arithmetic.jpg", "gradient-arithmetic-progressive.jpg"}) {
            assertUnsupported(TestFiles.fixture("images/" + file), "Arithmetic-coded JPEG is not supported; send Huffman-coded (ordinary) JPEG, or PNG.");
        }
    }

    @Test
    void otherUnsupportedProcessesAreNamedFromCraftedHeaders()
    {
        byte[] jpeg = TestImages.encode(TestImages.grey(16, 16, 100), "jpeg");
        int sof = indexOf(jpeg, 0xc0);

        assertUnsupported(withByte(jpeg, sof + 1, 0xc5), "Hierarchical (differential) JPEG is not supported; send baseline or progressive JPEG, or PNG.");
        assertUnsupported(withByte(jpeg, sof + 1, 0xcb), "Arithmetic-coded JPEG is not supported; send Huffman-coded (ordinary) JPEG, or PNG.");
        assertUnsupported(withByte(jpeg, sof + 1, 0xf7), "JPEG-LS is not supported; send JPEG or PNG.");
        // Precision is the first byte after the segment length.
        assertUnsupported(withByte(jpeg, sof + 4, 12), "12-bit JPEG is not supported; send 8-bit JPEG or 16-bit PNG.");
    }

    @Test
    void damagedJpegOfEveryKindStaysCorrupt()
    {
        for (byte[] jpeg : new byte[][] {
                TestFiles.fixture("images/gradient-lossless-16.jpg"),
                TestFiles.fixture("images/phantom-26-cmyk.jpg"),
                ImageBytes.jpeg(noise(64, 64), 0.9f, true)}) {
            assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
                    .isInstanceOf(ImageRejectedException.class)
                    .extracting(e -> ((ImageRejectedException) e).reason()).isEqualTo(Reason.CORRUPT);
        }
    }

    @Test
    void losslessJpegDecodesToTheExactSamples()
    {
        // make_images.py: value = x * 1000 + y * 10 at 16 bits, value * 255 // 65535 at 8 bits.
        DecodedImage sixteen = decoder.decode(TestFiles.fixture("images/gradient-lossless-16.jpg"));
        DecodedImage eight = decoder.decode(TestFiles.fixture("images/gradient-lossless-8.jpg"));

        assertThat(sixteen.bitDepth()).isEqualTo(16);
        assertThat(eight.bitDepth()).isEqualTo(8);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                int value = x * 1000 + y * 10;
                assertThat(sixteen.planes()[0][y * 64 + x]).isEqualTo(value / 65535f);
                assertThat(eight.planes()[0][y * 64 + x]).isEqualTo(value * 255 / 65535 / 255f);
            }
        }
    }

    @Test
    void losslessJpegIsSkippedAfterDecodingSinceItsDecoderIgnoresSubsampling()
    {
        DecodedImage image = decoder.decode(TestFiles.fixture("images/gradient-lossless-16.jpg"), 16, 12);

        assertThat(image.width()).isEqualTo(64);
        assertThat(image.planeWidth()).isEqualTo(16);
        assertThat(image.planeHeight()).isEqualTo(12);
        // Plane pixel (13, 5) is stored pixel (52, 20).
        assertThat(image.planes()[0][5 * 16 + 13]).isEqualTo((52 * 1000 + 20 * 10) / 65535f);
    }

    @Test
    void adobeCmykWithTheGreyInKDecodesToThatGrey()
    {
        // Photoshop's convention, as Pillow writes it: inverted samples under an Adobe APP14 marker, transform 0.
        float[] plain = decoder.decode(TestFiles.fixture("images/phantom-26.png")).planes()[0];
        DecodedImage cmyk = decoder.decode(TestFiles.fixture("images/phantom-26-cmyk.jpg"));

        assertThat(cmyk.channels()).isEqualTo(3);
        assertThat(meanAbsoluteDifference(cmyk.grey(), plain)).isLessThan(0.02);
    }

    @Test
    void cmykAndYcckColoursComeOutAsRgb()
    {
        // Pure cyan ink (C, M, Y, K) = (255, 0, 0, 0) is RGB (0, 255, 255).
        byte[] cmyk = ImageBytes.cmykJpeg(16, 16, (x, y) -> new int[] {255, 0, 0, 0}, 0);
        byte[] ycck = ImageBytes.cmykJpeg(16, 16, (x, y) -> new int[] {255, 0, 0, 0}, 2);

        for (byte[] jpeg : new byte[][] {cmyk, ycck}) {
            DecodedImage image = decoder.decode(jpeg);
            assertThat(image.channels()).isEqualTo(3);
            assertThat(image.planes()[0][100]).isCloseTo(0f, within(0.03f));
            assertThat(image.planes()[1][100]).isCloseTo(1f, within(0.03f));
            assertThat(image.planes()[2][100]).isCloseTo(1f, within(0.03f));
        }
    }

    @Test
    void jpegWithUnusualOrBrokenIccProfilesStillDecodes()
    {
        BufferedImage rgb = TestImages.rgb(32, 32, new java.awt.Color(128, 128, 128));
        byte[] jpeg = ImageBytes.jpeg(rgb, 0.95f, false);
        byte[] gamma22 = ImageBytes.insertJpegSegment(jpeg, 0xe2, ImageBytes.iccChunk(ImageBytes.gamma22Profile().getData(), 1, 1));
        byte[] badCount = ImageBytes.insertJpegSegment(jpeg, 0xe2, ImageBytes.iccChunk(ImageBytes.gamma22Profile().getData(), 2, 1));
        byte[] garbage = ImageBytes.insertJpegSegment(jpeg, 0xe2, ImageBytes.iccChunk(new byte[300], 1, 1));

        float plain = decoder.decode(jpeg).planes()[1][500];
        // A gamma-2.2 RGB profile is converted to sRGB: mid grey stays close to mid grey.
        assertThat(decoder.decode(gamma22).planes()[1][500]).isCloseTo(plain, within(0.03f));
        // Profiles the reader must ignore: a warning about the profile, not damage.
        assertThat(decoder.decode(badCount).planes()[1][500]).isCloseTo(plain, within(0.01f));
        assertThat(decoder.decode(garbage).planes()[1][500]).isCloseTo(plain, within(0.01f));
    }

    @Test
    void greyJpegWithAGreyProfileKeepsItsSamples()
    {
        byte[] jpeg = ImageBytes.jpeg(TestImages.grey(32, 32, 77), 1f, false);
        byte[] profiled = ImageBytes.insertJpegSegment(jpeg, 0xe2, ImageBytes.iccChunk(ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData(), 1, 1));

        assertThat(decoder.decode(profiled).planes()[0]).containsExactly(decoder.decode(jpeg).planes()[0]);
    }

    @Test
    void everyExifOrientationIsAppliedBeforeAnythingElse()
    {
        // Upright: 48 x 32, six 16-pixel blocks of distinct greys, so any wrong turn or mirror shows.
        int width = 48;
        int height = 32;
        float[] upright = new float[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                upright[y * width + x] = (40 * (x / 16 + 3 * (y / 16)) + 20) / 255f;
            }
        }
        for (Orientation orientation : Orientation.values()) {
            for (boolean little : new boolean[] {true, false}) {
                byte[] jpeg = ImageBytes.insertJpegSegment(ImageBytes.storedJpeg(upright, width, height, orientation), 0xe1,
                        ImageBytes.exifOrientation(orientation.exifValue(), little));

                DecodedImage image = decoder.decode(jpeg);

                assertThat(image.orientation()).isEqualTo(orientation);
                assertThat(image.width()).isEqualTo(width);
                assertThat(image.height()).isEqualTo(height);
                assertThat(image.storedWidth()).isEqualTo(orientation.transposes() ? height : width);
                assertThat(image.storedHeight()).isEqualTo(orientation.transposes() ? width : height);
                for (int i = 0; i < upright.length; i++) {
                    assertThat(image.planes()[0][i]).as("%s pixel %d", orientation, i).isCloseTo(upright[i], within(3 / 255f));
                }
            }
        }
    }

    @Test
    void damagedExifIsIgnoredAndNeverThrowsAnythingElse()
    {
        byte[] jpeg = ImageBytes.jpeg(TestImages.grey(16, 8, 90), 0.9f, false);
        byte[] exif = ImageBytes.exifOrientation(6, true);
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] damaged = exif.clone();
            int flips = 1 + random.nextInt(6);
            for (int f = 0; f < flips; f++) {
                damaged[6 + random.nextInt(damaged.length - 6)] ^= (byte) (1 << random.nextInt(8));
            }
            byte[] cut = Arrays.copyOf(damaged, 6 + random.nextInt(damaged.length - 5));
            for (byte[] payload : new byte[][] {damaged, cut}) {
                DecodedImage image = decoder.decode(ImageBytes.insertJpegSegment(jpeg, 0xe1, payload));
                assertThat(image.width() * image.height()).isEqualTo(128);
            }
        }
        // An orientation outside 1 to 8, and a tag of the wrong type, mean upright.
        assertThat(decoder.decode(ImageBytes.insertJpegSegment(jpeg, 0xe1, ImageBytes.exifOrientation(9, true))).orientation()).isEqualTo(Orientation.NORMAL);
        assertThat(decoder.decode(ImageBytes.insertJpegSegment(jpeg, 0xe1, ImageBytes.exifOrientation(0, false))).width()).isEqualTo(16);
    }

    @Test
    void onlyTheFirstExifSegmentCounts()
    {
        byte[] jpeg = ImageBytes.jpeg(TestImages.grey(16, 8, 90), 0.9f, false);
        byte[] two = ImageBytes.insertJpegSegment(ImageBytes.insertJpegSegment(jpeg, 0xe1, ImageBytes.exifOrientation(3, true)), 0xe1,
                ImageBytes.exifOrientation(6, true));

        assertThat(decoder.decode(two).orientation()).isEqualTo(Orientation.ROTATE_90_CLOCKWISE);
    }

    @Test
    void bitFlippedJpegsOfEveryKindAreDecodedOrRefusedWithAReasonNothingElse()
    {
        byte[] exif = ImageBytes.insertJpegSegment(ImageBytes.jpeg(noise(32, 24), 0.9f, true), 0xe1, ImageBytes.exifOrientation(6, false));
        byte[] cmyk = ImageBytes.cmykJpeg(24, 16, (x, y) -> new int[] {x * 10, y * 15, 0, 40}, 2);
        byte[] lossless = TestFiles.fixture("images/gradient-lossless-16.jpg");
        Random random = new Random(11);
        for (byte[] jpeg : new byte[][] {exif, cmyk, lossless}) {
            for (int i = 0; i < 150; i++) {
                byte[] damaged = jpeg.clone();
                for (int flips = 0; flips < 3; flips++) {
                    // Mostly in the headers, where the marker and Exif parsers read.
                    int at = 2 + random.nextInt(Math.min(damaged.length - 2, random.nextBoolean() ? 400 : damaged.length));
                    damaged[at] ^= (byte) (1 << random.nextInt(8));
                }
                try {
                    decoder.decode(damaged);
                }
                catch (ImageRejectedException expected) {
                    assertThat(expected.reason()).isIn(Reason.CORRUPT, Reason.TOO_MANY_PIXELS, Reason.UNSUPPORTED_ENCODING);
                }
            }
        }
    }

    private void assertUnsupported(byte[] bytes, String message)
    {
        assertThatThrownBy(() -> decoder.decode(bytes))
                .isInstanceOf(ImageRejectedException.class)
                .hasMessage(message)
                .extracting(e -> ((ImageRejectedException) e).reason()).isEqualTo(Reason.UNSUPPORTED_ENCODING);
    }

    private static double meanAbsoluteDifference(float[] a, float[] b)
    {
        assertThat(a).hasSameSizeAs(b);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static BufferedImage noise(int width, int height)
    {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(1);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0xffffff));
            }
        }
        return image;
    }

    /** Where marker 0xff {@code marker} first occurs. */
    private static int indexOf(byte[] jpeg, int marker)
    {
        for (int i = 0; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == marker) {
                return i;
            }
        }
        throw new IllegalStateException("no marker " + Integer.toHexString(marker));
    }

    private static byte[] withByte(byte[] bytes, int at, int value)
    {
        byte[] copy = bytes.clone();
        copy[at] = (byte) value;
        return copy;
    }
}
