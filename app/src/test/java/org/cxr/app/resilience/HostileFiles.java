package org.cxr.app.resilience;

import javax.imageio.ImageIO;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A reproducible corpus of hostile uploads: damaged, forged and disguised files built from one seed. Each sample says
 * what it is, so a failure names the file that caused it.
 */
final class HostileFiles
{
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    /** One upload: the category and a label for reports, the multipart file name and content type, the bytes. */
    record Sample(String category, String label, String fileName, String contentType, byte[] bytes)
    {
        @Override
        public String toString()
        {
            return category + "/" + label + " (" + bytes.length + " bytes as " + fileName + ", " + contentType + ")";
        }
    }

    private final Random random;
    private final List<Sample> samples = new ArrayList<>();

    private HostileFiles(long seed)
    {
        this.random = new Random(seed);
    }

    static List<Sample> generate(long seed)
    {
        HostileFiles files = new HostileFiles(seed);
        files.build();
        return List.copyOf(files.samples);
    }

    private void build()
    {
        List<Sample> bases = List.of(
                new Sample("base", "png-grey8", "grey.png", "image/png", png(drawn(64, 48, BufferedImage.TYPE_BYTE_GRAY))),
                new Sample("base", "png-rgb", "rgb.png", "image/png", png(drawn(40, 40, BufferedImage.TYPE_INT_RGB))),
                new Sample("base", "png-grey16", "grey16.png", "image/png", png(drawn(32, 32, BufferedImage.TYPE_USHORT_GRAY))),
                new Sample("base", "png-palette", "palette.png", "image/png", png(palette(32, 32))),
                new Sample("base", "jpeg-grey", "grey.jpg", "image/jpeg", jpeg(drawn(64, 64, BufferedImage.TYPE_BYTE_GRAY))),
                new Sample("base", "jpeg-rgb", "rgb.jpeg", "image/jpeg", jpeg(drawn(48, 48, BufferedImage.TYPE_3BYTE_BGR))));
        for (Sample base : bases) {
            truncations(base);
            bitFlips(base);
        }
        empties();
        randomBytes();
        garbageChunks();
        hugeDimensions(bases);
        nonImages();
        polyglots();
        bombs();
    }

    // --- damaged images ----------------------------------------------------------------------------------------------

    private void truncations(Sample base)
    {
        byte[] bytes = base.bytes();
        java.util.TreeSet<Integer> offsets = new java.util.TreeSet<>();
        for (int k : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 20, 24, 29, 33, 37, 41, 45, 50, 57, 64, 100, 200}) {
            offsets.add(k);
        }
        offsets.addAll(List.of(bytes.length - 1, bytes.length - 2, bytes.length - 4, bytes.length - 8, bytes.length - 12, bytes.length - 13));
        while (offsets.size() < 48) {
            offsets.add(1 + random.nextInt(bytes.length - 1));
        }
        for (int k : offsets) {
            if (k > 0 && k < bytes.length) {
                add("truncated", base.label() + "@" + k, base.fileName(), base.contentType(), Arrays.copyOf(bytes, k));
            }
        }
    }

    private void bitFlips(Sample base)
    {
        for (int i = 0; i < 80; i++) {
            byte[] bytes = base.bytes().clone();
            int flips = 1 + i % 50;
            for (int f = 0; f < flips; f++) {
                int position = random.nextInt(bytes.length);
                bytes[position] ^= (byte) (1 << random.nextInt(8));
            }
            add("bit-flipped", base.label() + "#" + i + "x" + flips, base.fileName(), base.contentType(), bytes);
        }
    }

    private void empties()
    {
        add("empty", "png", "empty.png", "image/png", new byte[0]);
        add("empty", "jpeg", "empty.jpg", "image/jpeg", new byte[0]);
        add("empty", "untyped", "empty", null, new byte[0]);
        add("empty", "octet-stream", "empty.png", "application/octet-stream", new byte[0]);
    }

    private void randomBytes()
    {
        for (int i = 0; i < 60; i++) {
            boolean png = i % 2 == 0;
            add("random", "plain#" + i, png ? "noise.png" : "noise.jpg", png ? "image/png" : "image/jpeg", bytes(1 + random.nextInt(i < 30 ? 64 : 20_000)));
        }
        for (int i = 0; i < 30; i++) {
            add("random", "png-signature#" + i, "noise.png", "image/png", concat(PNG_SIGNATURE, bytes(random.nextInt(5000))));
        }
        for (int i = 0; i < 30; i++) {
            add("random", "jpeg-soi#" + i, "noise.jpg", "image/jpeg", concat(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff}, bytes(random.nextInt(5000))));
        }
    }

    /** A PNG signature, usually a sound IHDR, then chunks with random types, lengths (huge, negative, lying) and CRCs. */
    private void garbageChunks()
    {
        String[] types = {"IDAT", "PLTE", "iCCP", "zTXt", "iTXt", "tEXt", "sPLT", "eXIf", "tRNS", "gAMA", "sBIT", "pHYs", "IEND", "IHDR", "acTL", "fcTL"};
        int[] lengths = {0, 1, 13, 0x7fffffff, 0xffffffff, 0x80000000, 0x10000000, 65536};
        for (int i = 0; i < 60; i++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(PNG_SIGNATURE);
            if (i < 40) {
                out.writeBytes(chunk("IHDR", ihdr(16 + random.nextInt(64), 16 + random.nextInt(64), 8, i % 4 == 0 ? 2 : 0)));
            }
            int chunks = 1 + random.nextInt(8);
            for (int c = 0; c < chunks; c++) {
                String type = random.nextInt(4) == 0 ? randomType() : types[random.nextInt(types.length)];
                byte[] data = bytes(random.nextInt(200));
                if (type.equals("IDAT") && random.nextBoolean()) {
                    data = deflate(bytes(random.nextInt(5000)));
                }
                if (random.nextInt(3) == 0) {
                    // A length that lies: huge, negative, or just wrong.
                    out.writeBytes(ByteBuffer.allocate(4).putInt(lengths[random.nextInt(lengths.length)]).array());
                    out.writeBytes(type.getBytes(StandardCharsets.ISO_8859_1));
                    out.writeBytes(data);
                    out.writeBytes(bytes(4));
                }
                else {
                    byte[] chunk = chunk(type, data);
                    if (random.nextInt(4) == 0) {
                        chunk[chunk.length - 1] ^= 0x5a; // wrong CRC
                    }
                    out.writeBytes(chunk);
                }
            }
            if (random.nextBoolean()) {
                out.writeBytes(chunk("IEND", new byte[0]));
            }
            add("garbage-chunks", "#" + i, "chunks.png", "image/png", out.toByteArray());
        }
    }

    private void hugeDimensions(List<Sample> bases)
    {
        int[][] sizes = {
                {100_000, 100_000}, {65_535, 65_535}, {1, Integer.MAX_VALUE}, {Integer.MAX_VALUE, 1}, {0, 0}, {0, 1}, {1, 0},
                {-1, -1}, {Integer.MIN_VALUE, 1}, {1 << 16, 1 << 16}, {2001, 2000}, {2000, 2000}};
        for (int[] size : sizes) {
            for (int variant = 0; variant < 4; variant++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(PNG_SIGNATURE);
                out.writeBytes(chunk("IHDR", ihdr(size[0], size[1], variant % 2 == 0 ? 8 : 16, variant % 2 == 0 ? 0 : 6)));
                if (variant >= 2) {
                    out.writeBytes(chunk("IDAT", deflate(new byte[1024])));
                    out.writeBytes(chunk("IEND", new byte[0]));
                }
                add("huge-header", "png-" + size[0] + "x" + size[1] + "-v" + variant, "huge.png", "image/png", out.toByteArray());
            }
        }
        int[][] jpegSizes = {{65_535, 65_535}, {0, 0}, {1, 65_535}, {65_535, 1}, {100, 0}, {4096, 4096}, {2000, 2000}};
        for (int[] size : jpegSizes) {
            for (int marker : new int[] {0xc0, 0xc2}) {
                add("huge-header", "jpeg-sof" + Integer.toHexString(marker) + "-" + size[0] + "x" + size[1], "huge.jpg", "image/jpeg",
                        jpegHeader(marker, size[0], size[1]));
            }
        }
        // Real files whose header is rewritten to claim a huge size.
        for (Sample base : bases) {
            byte[] bytes = base.bytes().clone();
            if (base.contentType().equals("image/png")) {
                ByteBuffer.wrap(bytes, 16, 8).putInt(50_000).putInt(50_000);
                CRC32 crc = new CRC32();
                crc.update(bytes, 12, 17);
                ByteBuffer.wrap(bytes, 29, 4).putInt((int) crc.getValue());
            }
            else {
                int sof = findSof(bytes);
                ByteBuffer.wrap(bytes, sof + 5, 4).putShort((short) 0xffff).putShort((short) 0xffff);
            }
            add("huge-header", base.label() + "-patched", base.fileName(), base.contentType(), bytes);
        }
    }

    // --- disguised and combined files --------------------------------------------------------------------------------

    private void nonImages()
    {
        List<Sample> contents = new ArrayList<>();
        contents.add(new Sample("", "pdf", "", "", ("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.US_ASCII)));
        contents.add(new Sample("", "zip", "", "", zip("image.png", png(drawn(16, 16, BufferedImage.TYPE_BYTE_GRAY)))));
        contents.add(new Sample("", "html", "", "", "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>".getBytes(StandardCharsets.UTF_8)));
        contents.add(new Sample("", "svg", "", "", ("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"100000\">"
                + "<script>alert(1)</script><rect width=\"10\" height=\"10\"/></svg>").getBytes(StandardCharsets.UTF_8)));
        contents.add(new Sample("", "text", "", "", "Patient: nobody\nFindings: none\n".getBytes(StandardCharsets.UTF_8)));
        contents.add(new Sample("", "gif", "", "", encode(drawn(16, 16, BufferedImage.TYPE_BYTE_INDEXED), "gif")));
        contents.add(new Sample("", "bmp", "", "", encode(drawn(16, 16, BufferedImage.TYPE_3BYTE_BGR), "bmp")));
        contents.add(new Sample("", "tiff", "", "", encode(drawn(16, 16, BufferedImage.TYPE_BYTE_GRAY), "tiff")));
        contents.add(new Sample("", "webp", "", "", concat("RIFF\u0024\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1), bytes(64))));
        contents.add(new Sample("", "elf", "", "", concat(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, bytes(120))));
        contents.add(new Sample("", "json", "", "", "{\"width\": 100000, \"height\": 100000}".getBytes(StandardCharsets.UTF_8)));
        String[][] disguises = {{"scan.png", "image/png"}, {"scan.jpg", "image/jpeg"}, {"scan.png", null}, {"scan.jpeg", "image/jpg"}};
        for (Sample content : contents) {
            for (String[] disguise : disguises) {
                add("non-image", content.label() + " as " + disguise[1], disguise[0], disguise[1], content.bytes());
            }
        }
    }

    private void polyglots()
    {
        byte[] zip = zip("payload.html", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8));
        byte[] html = "<html><script>alert(document.domain)</script></html>".getBytes(StandardCharsets.UTF_8);
        add("polyglot", "png+zip", "poly.png", "image/png", concat(png(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY)), zip));
        add("polyglot", "png+html", "poly.png", "image/png", concat(png(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY)), html));
        add("polyglot", "jpeg+zip", "poly.jpg", "image/jpeg", concat(jpeg(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY)), zip));
        add("polyglot", "jpeg+html", "poly.jpg", "image/jpeg", concat(jpeg(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY)), html));
        add("polyglot", "zip+png", "poly.png", "image/png", concat(zip, png(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY))));
        add("polyglot", "html+png", "poly.png", "image/png", concat(html, png(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY))));
        add("polyglot", "png-with-html-text-chunk", "poly.png", "image/png", withChunkAfterIhdr(png(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY)), "tEXt",
                concat("Comment\0".getBytes(StandardCharsets.ISO_8859_1), html)));
        add("polyglot", "png-with-2MB-text-chunk", "poly.png", "image/png", withChunkAfterIhdr(png(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY)), "tEXt",
                concat("Comment\0".getBytes(StandardCharsets.ISO_8859_1), bytes(2_000_000))));
        // JPEG application segments: twenty full-size APP1 (EXIF-like) segments, one APP1 whose length runs past the end.
        byte[] jpeg = jpeg(drawn(24, 24, BufferedImage.TYPE_BYTE_GRAY));
        ByteArrayOutputStream exif = new ByteArrayOutputStream();
        exif.write(0xff);
        exif.write(0xd8);
        for (int i = 0; i < 20; i++) {
            exif.writeBytes(new byte[] {(byte) 0xff, (byte) 0xe1, (byte) 0xff, (byte) 0xff});
            exif.writeBytes("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1));
            exif.writeBytes(bytes(0xffff - 2 - 6));
        }
        exif.write(jpeg, 2, jpeg.length - 2);
        add("polyglot", "jpeg-with-1.3MB-exif", "exif.jpg", "image/jpeg", exif.toByteArray());
        byte[] lying = concat(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1, (byte) 0xff, (byte) 0xf0}, "Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), bytes(100));
        add("polyglot", "jpeg-app1-past-end", "exif.jpg", "image/jpeg", lying);
        add("polyglot", "jpeg-with-html-comment", "comment.jpg", "image/jpeg",
                concat(Arrays.copyOf(jpeg, 2), new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) (html.length + 2)}, html, Arrays.copyOfRange(jpeg, 2, jpeg.length)));
    }

    /**
     * Small files that inflate to huge images: the header's size must refuse them before any pixel is decoded. The
     * last one is within the pixel limit but its IDAT inflates far beyond what the header needs.
     */
    private void bombs()
    {
        add("bomb", "png-1bit-20000x20000", "bomb.png", "image/png", zeroPng(20_000, 20_000, 1, 0));
        add("bomb", "png-8bit-10000x10000", "bomb.png", "image/png", zeroPng(10_000, 10_000, 8, 0));
        add("bomb", "png-rgba16-3000x3000", "bomb.png", "image/png", zeroPng(3000, 3000, 16, 6));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        out.writeBytes(chunk("IHDR", ihdr(64, 64, 8, 0)));
        out.writeBytes(chunk("IDAT", deflate(new byte[64 * 1024 * 1024])));
        out.writeBytes(chunk("IEND", new byte[0]));
        add("bomb", "png-64x64-with-64MB-idat", "bomb.png", "image/png", out.toByteArray());
    }

    // --- building blocks ---------------------------------------------------------------------------------------------

    private void add(String category, String label, String fileName, String contentType, byte[] bytes)
    {
        samples.add(new Sample(category, label, fileName, contentType, bytes));
    }

    private byte[] bytes(int n)
    {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String randomType()
    {
        char[] c = new char[4];
        for (int i = 0; i < 4; i++) {
            c[i] = (char) ((random.nextBoolean() ? 'a' : 'A') + random.nextInt(26));
        }
        return new String(c);
    }

    /** A small picture with structure (so compression and bit flips behave as on real files) and some noise. */
    private BufferedImage drawn(int width, int height, int type)
    {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setPaint(new java.awt.GradientPaint(0, 0, new Color(random.nextInt(1 << 24)), width, height, new Color(random.nextInt(1 << 24))));
        g.fillRect(0, 0, width, height);
        for (int i = 0; i < 4; i++) {
            g.setColor(new Color(random.nextInt(1 << 24)));
            g.fillOval(random.nextInt(width), random.nextInt(height), 1 + random.nextInt(width / 2), 1 + random.nextInt(height / 2));
        }
        g.dispose();
        WritableRaster raster = image.getRaster();
        for (int i = 0; i < width * height / 8; i++) {
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            raster.setSample(x, y, 0, random.nextInt(1 << Math.min(16, raster.getSampleModel().getSampleSize(0))));
        }
        return image;
    }

    private BufferedImage palette(int width, int height)
    {
        byte[] r = new byte[16];
        byte[] g = new byte[16];
        byte[] b = new byte[16];
        random.nextBytes(r);
        random.nextBytes(g);
        random.nextBytes(b);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, r, g, b));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (x / 4 + y / 4 + random.nextInt(2)) % 16);
            }
        }
        return image;
    }

    /** A small valid grey PNG, different for every seed. */
    static byte[] smallPng(long seed)
    {
        return png(new HostileFiles(seed).drawn(32, 32, BufferedImage.TYPE_BYTE_GRAY));
    }

    static byte[] png(BufferedImage image)
    {
        return encode(image, "png");
    }

    static byte[] jpeg(BufferedImage image)
    {
        return encode(image, "jpeg");
    }

    static byte[] encode(BufferedImage image, String format)
    {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("No " + format + " writer for " + image);
            }
            return out.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] ihdr(int width, int height, int bitDepth, int colorType)
    {
        return ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0).array();
    }

    static byte[] chunk(String type, byte[] data)
    {
        byte[] typeBytes = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data).putInt((int) crc.getValue()).array();
    }

    static byte[] deflate(byte[] raw)
    {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** A valid PNG of all-zero rows (filter byte 0), compressed as a stream so a huge one costs little memory here. */
    static byte[] zeroPng(int width, int height, int bitDepth, int colorType)
    {
        int channels = switch (colorType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
        long rowBytes = 1 + ((long) width * channels * bitDepth + 7) / 8;
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream compressed = new ByteArrayOutputStream();
        byte[] zeros = new byte[(int) Math.min(rowBytes * 64, 1 << 20)];
        byte[] buffer = new byte[64 * 1024];
        long remaining = rowBytes * height;
        while (remaining > 0) {
            int n = (int) Math.min(zeros.length, remaining);
            deflater.setInput(zeros, 0, n);
            remaining -= n;
            while (!deflater.needsInput()) {
                compressed.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PNG_SIGNATURE);
        out.writeBytes(chunk("IHDR", ihdr(width, height, bitDepth, colorType)));
        out.writeBytes(chunk("IDAT", compressed.toByteArray()));
        out.writeBytes(chunk("IEND", new byte[0]));
        return out.toByteArray();
    }

    /** SOI, a baseline quantisation table, a frame header of the given size, EOI: a JPEG that is all header. */
    static byte[] jpegHeader(int sofMarker, int width, int height)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xd8});
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xdb, 0, 67, 0});
        byte[] table = new byte[64];
        Arrays.fill(table, (byte) 1);
        out.writeBytes(table);
        out.writeBytes(new byte[] {(byte) 0xff, (byte) sofMarker, 0, 11, 8, (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width, 1, 1, 0x11, 0});
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xd9});
        return out.toByteArray();
    }

    private static int findSof(byte[] jpeg)
    {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && ((jpeg[i + 1] & 0xff) == 0xc0 || (jpeg[i + 1] & 0xff) == 0xc2)) {
                return i;
            }
        }
        throw new IllegalStateException("no SOF marker");
    }

    private static byte[] withChunkAfterIhdr(byte[] png, String type, byte[] data)
    {
        int afterIhdr = 8 + 12 + 13;
        return concat(Arrays.copyOf(png, afterIhdr), chunk(type, data), Arrays.copyOfRange(png, afterIhdr, png.length));
    }

    static byte[] zip(String entry, byte[] content)
    {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write(content);
                zip.closeEntry();
            }
            return out.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[]... parts)
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
