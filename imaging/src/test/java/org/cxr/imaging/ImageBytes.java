package org.cxr.imaging;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageWriterSpi;
import javax.imageio.stream.ImageOutputStream;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;

/** File-level surgery for the tests: segments spliced into JPEGs, chunks into PNGs, and writers with options. */
public final class ImageBytes
{
    private ImageBytes() {}

    /** {@code jpeg} with a marker segment ({@code 0xff marker length payload}) inserted right after SOI. */
    public static byte[] insertJpegSegment(byte[] jpeg, int marker, byte[] payload)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xff);
        out.write(marker);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(payload);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** An APP1 Exif payload whose IFD0 holds only the Orientation tag. */
    public static byte[] exifOrientation(int orientation, boolean littleEndian)
    {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        tiff.put(littleEndian ? (byte) 'I' : (byte) 'M').put(littleEndian ? (byte) 'I' : (byte) 'M').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1);
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0); // no next IFD
        return exif(tiff.array());
    }

    /** "Exif\0\0" followed by a TIFF structure. */
    public static byte[] exif(byte[] tiff)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(tiff);
        return out.toByteArray();
    }

    /** An APP2 ICC_PROFILE payload: chunk {@code index} (from 1) of {@code count}, carrying {@code profile}. */
    public static byte[] iccChunk(byte[] profile, int index, int count)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1));
        out.write(index);
        out.write(count);
        out.writeBytes(profile);
        return out.toByteArray();
    }

    /** An APP14 Adobe payload: version 100, no flags, the given colour transform (0 none/CMYK, 1 YCbCr, 2 YCCK). */
    public static byte[] adobe(int transform)
    {
        return ByteBuffer.allocate(12).put("Adobe".getBytes(StandardCharsets.ISO_8859_1)).putShort((short) 100)
                .putShort((short) 0).putShort((short) 0).put((byte) transform).array();
    }

    /** {@code png} with a chunk inserted right after IHDR (where sBIT must be, before PLTE and IDAT). */
    public static byte[] insertPngChunk(byte[] png, String type, byte[] data)
    {
        int afterHeader = 8 + 4 + 4 + 13 + 4;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(png, 0, afterHeader);
        out.writeBytes(pngChunk(type, data));
        out.write(png, afterHeader, png.length - afterHeader);
        return out.toByteArray();
    }

    public static byte[] pngChunk(String type, byte[] data)
    {
        byte[] name = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(name).put(data).putInt((int) crc.getValue()).array();
    }

    /** A JPEG by the JDK's own writer, at the given quality, progressive or not. */
    public static byte[] jpeg(BufferedImage image, float quality, boolean progressive)
    {
        return write(jdkWriter("com.sun.imageio.plugins.jpeg.JPEGImageWriterSpi"), new IIOImage(image, null, null), param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
        });
    }

    /**
     * Four-channel samples written as they are, without colour conversion: with an Adobe marker spliced in, a CMYK
     * (transform 0) or YCCK (transform 2) JPEG whose samples the caller chose.
     */
    public static byte[] jpegOfFourChannels(Raster samples, float quality)
    {
        return write(jdkWriter("com.sun.imageio.plugins.jpeg.JPEGImageWriterSpi"), new IIOImage(samples, null, null), param -> {
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
        });
    }

    /** An Adam7-interlaced PNG. */
    public static byte[] interlacedPng(BufferedImage image)
    {
        return write(jdkWriter("com.sun.imageio.plugins.png.PNGImageWriterSpi"), new IIOImage(image, null, null),
                param -> param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT));
    }

    private static byte[] write(ImageWriter writer, IIOImage image, java.util.function.Consumer<ImageWriteParam> options)
    {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
                writer.setOutput(stream);
                ImageWriteParam param = writer.getDefaultWriteParam();
                options.accept(param);
                writer.write(null, image, param);
            }
            finally {
                writer.dispose();
            }
            return out.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ImageWriter jdkWriter(String className)
    {
        Iterator<ImageWriterSpi> providers = IIORegistry.getDefaultInstance().getServiceProviders(ImageWriterSpi.class, false);
        while (providers.hasNext()) {
            ImageWriterSpi provider = providers.next();
            if (provider.getClass().getName().equals(className)) {
                try {
                    return provider.createWriterInstance();
                }
                catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no " + className);
    }

    /** The PNG with an sBIT chunk saying that {@code bits} of each sample carry data. */
    public static byte[] withSbit(byte[] png, int bits)
    {
        return insertPngChunk(png, "sBIT", new byte[] {(byte) bits});
    }

    /** A JPEG of four-channel ink values, as Adobe writes them: CMYK inverted (transform 0) or YCCK (transform 2). */
    public static byte[] cmykJpeg(int width, int height, java.util.function.BiFunction<Integer, Integer, int[]> ink, int transform)
    {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] cmyk = ink.apply(x, y);
                raster.setPixel(x, y, transform == 2 ? ycck(cmyk) : new int[] {255 - cmyk[0], 255 - cmyk[1], 255 - cmyk[2], 255 - cmyk[3]});
            }
        }
        return insertJpegSegment(jpegOfFourChannels(raster, 0.95f), 0xee, adobe(transform));
    }

    /** Adobe YCCK: the ink C, M, Y taken as R, G, B and turned into JPEG's YCbCr; K stored inverted. */
    private static int[] ycck(int[] cmyk)
    {
        double r = cmyk[0];
        double g = cmyk[1];
        double b = cmyk[2];
        return new int[] {
                clamp(0.299 * r + 0.587 * g + 0.114 * b),
                clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b),
                clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b),
                255 - cmyk[3]};
    }

    private static int clamp(double v)
    {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** A grey JPEG whose stored pixels the orientation turns into {@code upright}. */
    public static byte[] storedJpeg(float[] upright, int width, int height, Orientation orientation)
    {
        int storedWidth = orientation.transposes() ? height : width;
        int storedHeight = orientation.transposes() ? width : height;
        BufferedImage stored = new BufferedImage(storedWidth, storedHeight, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = stored.getRaster();
        for (int y = 0; y < storedHeight; y++) {
            for (int x = 0; x < storedWidth; x++) {
                raster.setSample(x, y, 0, Math.round(255 * upright[orientation.uprightIndex(x, y, storedWidth, storedHeight)]));
            }
        }
        return ImageBytes.jpeg(stored, 1f, false);
    }

    /** sRGB's primaries with a plain gamma 2.2 tone curve: the kind of RGB profile older Macs and scanners embed. */
    public static ICC_Profile gamma22Profile()
    {
        ICC_Profile profile = ICC_Profile.getInstance(ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData());
        byte[] curve = {'c', 'u', 'r', 'v', 0, 0, 0, 0, 0, 0, 0, 1, 0x02, 0x33, 0, 0};
        for (int tag : new int[] {ICC_Profile.icSigRedTRCTag, ICC_Profile.icSigGreenTRCTag, ICC_Profile.icSigBlueTRCTag}) {
            profile.setData(tag, curve);
        }
        // Another creator and no profile id, so no reader takes it for the built-in sRGB and skips converting.
        byte[] header = profile.getData(ICC_Profile.icSigHead);
        header[80] = 'c';
        header[81] = 'x';
        header[82] = 'r';
        header[83] = ' ';
        Arrays.fill(header, 84, 100, (byte) 0);
        profile.setData(ICC_Profile.icSigHead, header);
        return profile;
    }
}
