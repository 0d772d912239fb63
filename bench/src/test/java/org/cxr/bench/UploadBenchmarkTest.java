package org.cxr.bench;

import org.cxr.lake.ContentHash;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

class UploadBenchmarkTest
{
    @Test
    void aNewImageIsTheSamePictureInAFileWithAnotherHash()
            throws IOException
    {
        byte[] png = UploadBenchmark.phantomPng(0);

        byte[] renamed = UploadBenchmark.withText(png, "cxr-bench 1 8 42");

        assertThat(ContentHash.sha256(renamed)).isNotEqualTo(ContentHash.sha256(png));
        assertThat(pixels(renamed)).isEqualTo(pixels(png));
        assertThat(comment(renamed)).isEqualTo("cxr-bench 1 8 42");
    }

    @Test
    void theTextChunkCarriesTheCrcOfItsTypeAndData()
            throws IOException
    {
        byte[] renamed = UploadBenchmark.withText(UploadBenchmark.phantomPng(0), "x");

        int at = 33; // after the signature and the header chunk
        int length = readInt(renamed, at);
        assertThat(new String(renamed, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("tEXt");
        CRC32 crc = new CRC32();
        crc.update(renamed, at + 4, 4 + length);
        assertThat(readInt(renamed, at + 8 + length)).isEqualTo((int) crc.getValue());
    }

    private static int[] pixels(byte[] png)
            throws IOException
    {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }

    private static String comment(byte[] png)
            throws IOException
    {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            reader.setInput(in);
            Element root = (Element) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
            NodeList entries = root.getElementsByTagName("tEXtEntry");
            assertThat(entries.getLength()).isEqualTo(1);
            Element entry = (Element) entries.item(0);
            assertThat(entry.getAttribute("keyword")).isEqualTo("Comment");
            return entry.getAttribute("value");
        }
    }

    private static int readInt(byte[] bytes, int at)
    {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8) | (bytes[at + 3] & 0xff);
    }
}
