package org.cxr.bench;

import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.detector.Thresholds;
import org.cxr.imaging.DecodedImage;
import org.cxr.phantom.Phantom;
import org.cxr.phantom.PhantomGenerator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Latency and throughput of the Java detector on phantoms: one caller, one image at a time, from a decoded image to
 * final boxes (pre-processing, ONNX Runtime, decoding, NMS). Prints one JSON line.
 *
 * <pre>java -jar bench/target/cxr-bench.jar MODEL_DIR THREADS ITERATIONS WARMUP</pre>
 */
public final class DetectorBenchmark
{
    private DetectorBenchmark() {}

    public static void main(String[] args)
    {
        if (args.length != 4) {
            System.err.println("usage: DetectorBenchmark MODEL_DIR THREADS ITERATIONS WARMUP");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        int iterations = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);

        List<DecodedImage> images = new ArrayList<>();
        PhantomGenerator generator = new PhantomGenerator();
        for (int i = 0; i < 16; i++) {
            Phantom p = generator.generate(PhantomGenerator.imageSeed(99, i));
            images.add(new DecodedImage(p.width(), p.height(), 1, new float[][] {p.pixels()}, "png", 8));
        }
        try (Detector detector = Detector.load(model, DetectorOptions.defaults().withIntraOpThreads(threads))) {
            Thresholds thresholds = detector.defaultThresholds();
            for (int i = 0; i < warmup; i++) {
                detector.detect(images.get(i % images.size()), thresholds);
            }
            long[] nanos = new long[iterations];
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                detector.detect(images.get(i % images.size()), thresholds);
                nanos[i] = System.nanoTime() - t0;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(nanos);
            System.out.printf(Locale.ROOT,
                    "{\"runtime\": \"java-onnxruntime\", \"model\": \"%s\", \"threads\": %d, \"iterations\": %d, \"imagesPerSecond\": %.2f, \"p50Ms\": %.2f, \"p99Ms\": %.2f}%n",
                    detector.manifest().name(), threads, iterations, iterations / seconds,
                    percentile(nanos, 0.50) / 1e6, percentile(nanos, 0.99) / 1e6);
        }
    }

    /** Nearest-rank percentile of sorted samples. */
    static double percentile(long[] sorted, double q)
    {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
