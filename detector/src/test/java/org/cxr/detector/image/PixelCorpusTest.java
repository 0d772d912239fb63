package org.cxr.detector.image;

import org.cxr.detector.Detection;
import org.cxr.detector.DetectionResult;
import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.Thresholds;
import org.cxr.imaging.DecodedImage;
import org.cxr.imaging.ImageBytes;
import org.cxr.imaging.ImageDecoder;
import org.cxr.imaging.Orientation;
import org.cxr.imaging.TestFiles;
import org.cxr.imaging.TestImages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One radiograph (the committed phantom-26.png, see fixtures/images/MakePhantom.java) in every layout and encoding the
 * decoder accepts, run through the real demo model: each must give the plain 8-bit PNG's findings (same classes, each
 * box at IoU >= 0.5 with its counterpart, in the upright frame). The demo model is read where the app's tests read it.
 */
class PixelCorpusTest
{
    private static final Path DEMO_MODEL = Path.of("../models/demo");
    private static final double MIN_IOU = 0.5;

    private static Detector detector;
    private static Thresholds thresholds;
    private static BufferedImage phantom;
    private static List<Detection> plain;

    @BeforeAll
    static void load()
    {
        assertThat(DEMO_MODEL.resolve("model.onnx")).as("the demo model, from the detector module's folder").exists();
        detector = Detector.load(DEMO_MODEL, DetectorOptions.defaults().withIntraOpThreads(2).withWarmUp(false));
        thresholds = detector.defaultThresholds();
        byte[] png = TestFiles.fixture("images/phantom-26.png");
        phantom = read(png);
        plain = detector.detect(png, thresholds).detections();
        assertThat(plain).extracting(Detection::className).containsExactlyInAnyOrder("Cardiomegaly", "Aortic enlargement", "ILD");
    }

    @AfterAll
    static void close()
    {
        detector.close();
    }

    @Test
    void everyPngLayoutGivesThePlainFindings()
    {
        Map<String, byte[]> variants = new LinkedHashMap<>();
        variants.put("16-bit", TestImages.png(grey16(phantom, 16)));
        for (int bits : new int[] {10, 12, 14}) {
            variants.put("16-bit with " + bits + "-bit data and sBIT " + bits, ImageBytes.withSbit(TestImages.png(grey16(phantom, bits)), bits));
        }
        variants.put("palette", TestImages.png(palette(phantom)));
        variants.put("16-bit grey + alpha", TestImages.png(greyAlpha16(phantom)));
        variants.put("RGB", TestImages.png(rgb(phantom)));
        variants.put("interlaced", ImageBytes.interlacedPng(phantom));

        assertSameFindings(variants);
    }

    @Test
    void twelveBitDataReadAtFullRangeIsWhatTheIssueSaw()
    {
        // The control: the same file read as value / 65535 (BIT_DEPTH) is nearly black, and the findings change.
        byte[] twelveBit = ImageBytes.withSbit(TestImages.png(grey16(phantom, 12)), 12);
        DecodedImage dark = new ImageDecoder(DetectorOptions.DEFAULT_MAX_PIXELS).decode(twelveBit);

        List<Detection> wrong = detector.detect(dark, thresholds).detections();

        assertThat(matches(plain, wrong)).isFalse();
    }

    @Test
    void everyJpegEncodingGivesThePlainFindings()
    {
        Map<String, byte[]> variants = new LinkedHashMap<>();
        variants.put("baseline", ImageBytes.jpeg(phantom, 0.95f, false));
        variants.put("progressive", ImageBytes.jpeg(phantom, 0.95f, true));
        variants.put("CMYK by libjpeg (Pillow)", TestFiles.fixture("images/phantom-26-cmyk.jpg"));
        variants.put("CMYK, grey in K", ImageBytes.cmykJpeg(phantom.getWidth(), phantom.getHeight(), (x, y) -> new int[] {0, 0, 0, 255 - level(x, y)}, 0));
        variants.put("YCCK, grey in C, M and Y", ImageBytes.cmykJpeg(phantom.getWidth(), phantom.getHeight(), (x, y) -> {
            int ink = 255 - level(x, y);
            return new int[] {ink, ink, ink, 0};
        }, 2));
        byte[] rgb = ImageBytes.jpeg(rgb(phantom), 0.95f, false);
        variants.put("RGB with a gamma 2.2 ICC profile", ImageBytes.insertJpegSegment(rgb, 0xe2,
                ImageBytes.iccChunk(ImageBytes.gamma22Profile().getData(), 1, 1)));

        assertSameFindings(variants);
    }

    @Test
    void everyExifOrientationGivesThePlainFindingsInTheUprightFrame()
    {
        float[] upright = new ImageDecoder(DetectorOptions.DEFAULT_MAX_PIXELS).decode(TestFiles.fixture("images/phantom-26.png")).planes()[0];
        Map<String, byte[]> variants = new LinkedHashMap<>();
        for (Orientation orientation : Orientation.values()) {
            byte[] stored = ImageBytes.storedJpeg(upright, phantom.getWidth(), phantom.getHeight(), orientation);
            variants.put("EXIF " + orientation.exifValue(), ImageBytes.insertJpegSegment(stored, 0xe1, ImageBytes.exifOrientation(orientation.exifValue(), orientation.exifValue() % 2 == 0)));
        }

        assertSameFindings(variants);
        // And the stored frame is one call away: the same transform the decoder applied.
        byte[] sideways = variants.get("EXIF 6");
        DetectionResult result = detector.detect(sideways, thresholds);
        DecodedImage image = detector.decodeForDetection(sideways);
        assertThat(result.imageWidth()).isEqualTo(phantom.getWidth());
        assertThat(image.storedWidth()).isEqualTo(phantom.getHeight());
        Detection first = result.detections().get(0);
        assertThat(image.orientation().toUpright(image.orientation().toStored(first.box(), image.storedWidth(), image.storedHeight()), image.storedWidth(), image.storedHeight()))
                .isEqualTo(first.box());
    }

    @Test
    void aLargeImageReadEveryNthPixelGivesTheFullDecodesFindingsInFullSizePixels()
    {
        // 3.3 times the phantom (2142 x 2218), smoothly scaled, 16-bit.
        BufferedImage large = grey16(scaled(phantom, 3.3), 16);
        byte[] png = TestImages.png(large);
        DecodedImage full = detector.decode(png);
        List<Detection> fullFindings = detector.detect(full, thresholds).detections();
        assertThat(fullFindings).extracting(Detection::className).containsExactlyInAnyOrder("Cardiomegaly", "Aortic enlargement", "ILD");

        for (int oversampling : new int[] {DetectorOptions.DEFAULT_INPUT_OVERSAMPLING, 2}) {
            try (Detector reducing = Detector.load(DEMO_MODEL, DetectorOptions.defaults().withIntraOpThreads(2).withWarmUp(false).withInputOversampling(oversampling))) {
                DecodedImage reduced = reducing.decodeForDetection(png);
                DetectionResult result = reducing.detect(png, thresholds);

                assertThat(reduced.reduced()).isTrue();
                assertThat(reduced.planeWidth()).isLessThanOrEqualTo(large.getWidth() / 2 + 1);
                assertThat(result.imageWidth()).isEqualTo(large.getWidth());
                assertThat(result.imageHeight()).isEqualTo(large.getHeight());
                assertThat(matches(fullFindings, result.detections())).as("oversampling %d: %s vs %s", oversampling, result.detections(), fullFindings).isTrue();
            }
        }
    }

    private static void assertSameFindings(Map<String, byte[]> variants)
    {
        for (Map.Entry<String, byte[]> variant : variants.entrySet()) {
            DetectionResult result = detector.detect(variant.getValue(), thresholds);
            assertThat(result.imageWidth()).as(variant.getKey()).isEqualTo(phantom.getWidth());
            assertThat(result.imageHeight()).as(variant.getKey()).isEqualTo(phantom.getHeight());
            assertThat(matches(plain, result.detections())).as("%s: %s, plain %s", variant.getKey(), result.detections(), plain).isTrue();
        }
    }

    /** Same number of findings and a one-to-one pairing of the same class at IoU >= 0.5. */
    private static boolean matches(List<Detection> expected, List<Detection> actual)
    {
        if (expected.size() != actual.size()) {
            return false;
        }
        List<Detection> unpaired = new ArrayList<>(actual);
        for (Detection e : expected) {
            Detection best = null;
            for (Detection a : unpaired) {
                if (a.classId() == e.classId() && a.box().iou(e.box()) >= MIN_IOU && (best == null || a.box().iou(e.box()) > best.box().iou(e.box()))) {
                    best = a;
                }
            }
            if (best == null) {
                return false;
            }
            unpaired.remove(best);
        }
        return true;
    }

    private static int level(int x, int y)
    {
        return phantom.getRaster().getSample(x, y, 0);
    }

    /** The 8-bit grey image with {@code bits}-bit data (value * (2^bits - 1) / 255) in a 16-bit grey image. */
    private static BufferedImage grey16(BufferedImage grey, int bits)
    {
        BufferedImage image = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        short[] data = ((DataBufferUShort) image.getRaster().getDataBuffer()).getData();
        int max = (1 << bits) - 1;
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                data[y * grey.getWidth() + x] = (short) Math.round(grey.getRaster().getSampleFloat(x, y, 0) * max / 255f);
            }
        }
        return image;
    }

    private static BufferedImage palette(BufferedImage grey)
    {
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        BufferedImage image = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, levels, levels, levels));
        image.getRaster().setRect(grey.getRaster());
        return image;
    }

    private static BufferedImage greyAlpha16(BufferedImage grey)
    {
        ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
        WritableRaster raster = model.createCompatibleWritableRaster(grey.getWidth(), grey.getHeight());
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                raster.setPixel(x, y, new int[] {grey.getRaster().getSample(x, y, 0) * 257, 65535});
            }
        }
        return new BufferedImage(model, raster, false, null);
    }

    private static BufferedImage rgb(BufferedImage grey)
    {
        BufferedImage image = new BufferedImage(grey.getWidth(), grey.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < grey.getHeight(); y++) {
            for (int x = 0; x < grey.getWidth(); x++) {
                int v = grey.getRaster().getSample(x, y, 0);
                image.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return image;
    }

    private static BufferedImage scaled(BufferedImage grey, double factor)
    {
        BufferedImage image = new BufferedImage((int) Math.round(grey.getWidth() * factor), (int) Math.round(grey.getHeight() * factor), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(grey, 0, 0, image.getWidth(), image.getHeight(), null);
        g.dispose();
        return image;
    }

    private static BufferedImage read(byte[] png)
    {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
