package org.cxr.app.image;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.cxr.detector.Detector;
import org.cxr.imaging.DecodedImage;
import org.springframework.stereotype.Component;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * 8-bit grey PNG thumbnails (at most 192 pixels wide or high), kept in memory by image hash: an image's bytes never
 * change under its hash, so a cached thumbnail is never stale, and the full image is fetched from S3 only on a miss.
 */
@Component
class Thumbnails
{
    private static final int SIZE = 192;
    private static final int CACHED = 256;

    private final Detector detector;
    private final Cache<String, byte[]> cache = Caffeine.newBuilder().maximumSize(CACHED).build();

    Thumbnails(Detector detector)
    {
        this.detector = requireNonNull(detector, "detector");
    }

    /** The thumbnail of the image with this hash; {@code imageBytes} fetches the image when it is not cached. */
    byte[] of(String sha256, Supplier<byte[]> imageBytes)
    {
        return cache.get(sha256, hash -> render(detector.decode(imageBytes.get())));
    }

    private static byte[] render(DecodedImage image)
    {
        double scale = Math.min(1.0, SIZE / (double) Math.max(image.width(), image.height()));
        int w = Math.max(1, (int) Math.round(image.width() * scale));
        int h = Math.max(1, (int) Math.round(image.height() * scale));
        float[] grey = image.grey();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * image.height() / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * image.height() / h));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * image.width() / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * image.width() / w));
                float sum = 0;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        sum += grey[yy * image.width() + xx];
                    }
                }
                data[y * w + x] = (byte) Math.round(255 * sum / ((y1 - y0) * (x1 - x0)));
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(out, "png", bytes);
            return bytes.toByteArray();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
