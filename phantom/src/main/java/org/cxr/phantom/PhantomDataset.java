package org.cxr.phantom;

import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.coco.CocoFiles;

import javax.imageio.ImageIO;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * Writes a reproducible set of phantoms: PNG files under {@code images/} and a spec-correct COCO file
 * {@code annotations.json} beside them.
 */
public final class PhantomDataset
{
    public static final String ANNOTATIONS_FILE = "annotations.json";

    private final PhantomGenerator generator;
    private final int threads;

    public PhantomDataset(PhantomGenerator generator, int threads)
    {
        this.generator = requireNonNull(generator, "generator");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = threads;
    }

    /** Writes images {@code 0..count-1} of the dataset with this seed; returns the COCO file's path. */
    public Path write(Path directory, int count, long seed, int bitDepth)
    {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (bitDepth != 8 && bitDepth != 16) {
            throw new IllegalArgumentException("bit depth must be 8 or 16, got " + bitDepth);
        }
        Path images = directory.resolve("images");
        try {
            Files.createDirectories(images);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + images, e);
        }
        List<Labels> phantoms = generateAll(images, count, seed, bitDepth);
        Path annotations = directory.resolve(ANNOTATIONS_FILE);
        CocoFiles.write(toCoco(phantoms, seed), annotations);
        return annotations;
    }

    public static String fileName(int index)
    {
        return "images/phantom-%06d.png".formatted(index);
    }

    private List<Labels> generateAll(Path images, int count, long seed, int bitDepth)
    {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Labels>> futures = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    Phantom phantom = generator.generate(PhantomGenerator.imageSeed(seed, index));
                    Path file = images.resolve(fileName(index).substring("images/".length()));
                    if (!ImageIO.write(phantom.toImage(bitDepth), "png", file.toFile())) {
                        throw new IOException("no PNG writer for this image");
                    }
                    // Keep only what the COCO file needs; the pixels are on disk.
                    return new Labels(phantom.width(), phantom.height(), phantom.findings());
                }));
            }
            List<Labels> result = new ArrayList<>(count);
            for (Future<Labels> future : futures) {
                result.add(future.get());
            }
            return result;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("Cannot write phantom: " + e.getCause().getMessage(), e.getCause());
        }
        finally {
            pool.shutdownNow();
        }
    }

    static CocoDataset toCoco(List<Labels> phantoms, long seed)
    {
        List<CocoDataset.Category> categories = Arrays.stream(FindingClass.values())
                .map(c -> new CocoDataset.Category(c.cocoCategoryId(), c.displayName(), "finding"))
                .toList();
        List<CocoDataset.Image> images = new ArrayList<>();
        List<CocoDataset.Annotation> annotations = new ArrayList<>();
        long annotationId = 1;
        for (int i = 0; i < phantoms.size(); i++) {
            Labels phantom = phantoms.get(i);
            long imageId = i + 1;
            images.add(new CocoDataset.Image(imageId, fileName(i), phantom.width(), phantom.height(), 1));
            for (Finding f : phantom.findings()) {
                double[] bbox = {round2(f.xMin()), round2(f.yMin()), round2(f.width()), round2(f.height())};
                annotations.add(new CocoDataset.Annotation(annotationId++, imageId, f.findingClass().cocoCategoryId(),
                        bbox, round2(bbox[2] * bbox[3]), 0, null, null));
            }
        }
        CocoDataset.Info info = new CocoDataset.Info(
                "Synthetic chest radiograph phantoms (seed " + seed + "); not real patients, not for clinical use",
                "1", LocalDate.now().getYear(), "cxr phantom generator", null);
        List<CocoDataset.License> licenses = List.of(new CocoDataset.License(1, "Generated data, no restrictions", ""));
        return new CocoDataset(info, licenses, categories, images, annotations);
    }

    /** What the COCO file needs of a phantom once its pixels are on disk. */
    record Labels(int width, int height, List<Finding> findings) {}

    private static double round2(double v)
    {
        return Math.round(v * 100) / 100.0;
    }
}
