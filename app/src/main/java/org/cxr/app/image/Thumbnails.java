package org.cxr.app.image;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.cxr.detector.Detector;
import org.cxr.imaging.DecodedImage;
import org.springframework.stereotype.Component;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * 8-bit grey PNG thumbnails (at most 192 pixels wide or high) of the upright picture, kept in memory by image hash: an
 * image's bytes never change under its hash, so a cached thumbnail is never stale. An upload's thumbnail is made from
 * the pixels the detector read (no second decode), off the request's path: the cache holds its future at once, so a
 * request for it waits for that instead of fetching the image. On a miss the image is fetched from S3 and read as the
 * detector reads it, at reduced size for a large one.
 */
@Component
public final class Thumbnails
{
    private static final int SIZE = 192;
    private static final int CACHED = 256;

    private final Detector detector;
    private final AsyncCache<String, byte[]> cache = Caffeine.newBuilder().maximumSize(CACHED).buildAsync();

    Thumbnails(Detector detector)
    {
        this.detector = requireNonNull(detector, "detector");
    }

    /** The thumbnail of the image with this hash; {@code imageBytes} fetches the image when it is not cached. */
    byte[] of(String sha256, Supplier<byte[]> imageBytes)
    {
        try {
            return cache.get(sha256, hash -> render(detector.decodeForDetection(imageBytes.get()))).join();
        }
        catch (CompletionException e) {
            // What the loader threw (the image is gone from S3, S3 is unavailable) is the caller's answer.
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /**
     * Starts making the thumbnail of an image just decoded, on {@code executor}, unless it is cached: the page's first
     * request for it waits for this one.
     */
    public void remember(String sha256, DecodedImage image, Executor executor)
    {
        cache.asMap().computeIfAbsent(sha256, hash -> CompletableFuture.supplyAsync(() -> render(image), executor));
    }

    /** Averages the planes' pixels into the thumbnail; its shape is the picture's, whatever size the planes are. */
    static byte[] render(DecodedImage image)
    {
        double scale = Math.min(1.0, SIZE / (double) Math.max(image.width(), image.height()));
        int w = Math.min(image.planeWidth(), Math.max(1, (int) Math.round(image.width() * scale)));
        int h = Math.min(image.planeHeight(), Math.max(1, (int) Math.round(image.height() * scale)));
        int planeWidth = image.planeWidth();
        int planeHeight = image.planeHeight();
        float[] grey = image.grey();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * planeHeight / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * planeHeight / h));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * planeWidth / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * planeWidth / w));
                float sum = 0;
                for (int yy = y0; yy < y1; yy++) {
                    for (int xx = x0; xx < x1; xx++) {
                        sum += grey[yy * planeWidth + xx];
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
