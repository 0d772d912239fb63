package org.cxr.bench;

import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.Thresholds;
import org.cxr.imaging.DecodedImage;
import org.cxr.phantom.Phantom;
import org.cxr.phantom.PhantomGenerator;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Large radiographs (issue 11): an 8192 x 8192 16-bit PNG, one at a time and four at once, with a small phantom sent
 * while the four run (what another user waits). Three ways of reading it, in one run:
 * <ul>
 * <li>{@code full-unbounded}: every pixel decoded, no limit on decodes at once (how the server read uploads before);
 * <li>{@code full-budget}: every pixel decoded, decodes sharing the default pixel budget;
 * <li>{@code subsampled-budget}: read at the size detection needs (the server's path now), with the budget.
 * </ul>
 * Prints one JSON line per way and concurrency: seconds per large image (mean), wall seconds, the small image's
 * latency, peak heap and heap after GC.
 */
public final class LargeImageBenchmark
{
    private static final int SIZE = 8192;

    private LargeImageBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        if (args.length != 2) {
            System.err.println("usage: LargeImageBenchmark MODEL_DIR WORK_DIR");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        byte[] large = largePng(Path.of(args[1]).resolve("large-8192-16bit-noisy.png"));
        byte[] small = png(new PhantomGenerator().generate(PhantomGenerator.imageSeed(7, 1)).toImage(8));

        run(model, "full-unbounded", DetectorOptions.defaults().withDecodePixelBudget(Integer.MAX_VALUE), Detector::decode, large, small);
        run(model, "full-budget", DetectorOptions.defaults(), Detector::decode, large, small);
        run(model, "subsampled-budget", DetectorOptions.defaults(), Detector::decodeForDetection, large, small);
    }

    private interface Read
    {
        DecodedImage apply(Detector detector, byte[] bytes);
    }

    private static void run(Path model, String way, DetectorOptions options, Read read, byte[] large, byte[] small)
            throws Exception
    {
        try (Detector detector = Detector.load(model, options.withIntraOpThreads(1));
                HeapMeter heap = new HeapMeter()) {
            Thresholds thresholds = detector.defaultThresholds();
            Function<byte[], Double> detect = bytes -> {
                long start = System.nanoTime();
                detector.detect(read.apply(detector, bytes), thresholds);
                return (System.nanoTime() - start) / 1e9;
            };
            detect.apply(small); // warm-up
            for (int concurrent : new int[] {1, 4}) {
                System.gc();
                heap.reset();
                ExecutorService pool = Executors.newFixedThreadPool(concurrent + 1);
                long start = System.nanoTime();
                List<Future<Double>> larges = new ArrayList<>();
                for (int i = 0; i < concurrent; i++) {
                    larges.add(pool.submit(() -> detect.apply(large)));
                }
                Thread.sleep(200); // the small image arrives while the large ones are being read
                double smallSeconds = pool.submit(() -> detect.apply(small)).get();
                double sum = 0;
                for (Future<Double> f : larges) {
                    sum += f.get();
                }
                double wall = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                System.out.printf(Locale.ROOT,
                        "{\"way\": \"%s\", \"concurrent\": %d, \"secondsPerLargeImage\": %.2f, \"wallSeconds\": %.2f, \"smallImageSeconds\": %.2f,"
                                + " \"peakHeapMb\": %.0f, \"heapAfterGcMb\": %.0f, \"maxHeapMb\": %.0f}%n",
                        way, concurrent, sum / concurrent, wall, smallSeconds, heap.peakMb(), heap.maxAfterGcMb(), HeapMeter.maxHeapMb());
            }
        }
    }

    /**
     * A phantom scaled up to 8192 x 8192 with 16-bit samples and a little noise (as a detector's own), so that the PNG
     * compresses like a real radiograph (about 30 MB, under the default upload limit) rather than to almost nothing;
     * written once and kept in the work folder.
     */
    private static byte[] largePng(Path file)
            throws IOException
    {
        if (Files.isRegularFile(file)) {
            return Files.readAllBytes(file);
        }
        Phantom phantom = new PhantomGenerator().generate(PhantomGenerator.imageSeed(7, 0));
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_USHORT_GRAY);
        float[] pixels = phantom.pixels();
        java.util.Random noise = new java.util.Random(8192);
        for (int y = 0; y < SIZE; y++) {
            int sy = (int) ((long) y * phantom.height() / SIZE);
            for (int x = 0; x < SIZE; x++) {
                int sx = (int) ((long) x * phantom.width() / SIZE);
                int value = Math.round(pixels[sy * phantom.width() + sx] * 65000) + noise.nextInt(5);
                image.getRaster().setSample(x, y, 0, value);
            }
        }
        byte[] bytes = png(image);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return bytes;
    }

    private static byte[] png(BufferedImage image)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
