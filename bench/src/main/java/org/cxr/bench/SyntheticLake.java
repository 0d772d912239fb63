package org.cxr.bench;

import org.cxr.lake.BoxRecord;
import org.cxr.lake.ContentHash;
import org.cxr.lake.ImageRecord;
import org.cxr.lake.IngestResult;
import org.cxr.lake.InferenceRecord;
import org.cxr.lake.Lake;
import org.cxr.lake.LakeRestore;
import org.cxr.lake.MediaType;
import org.cxr.lake.ModelVersion;
import org.cxr.lake.NewInference;
import org.cxr.lake.PredictedBox;
import org.cxr.lake.Upload;
import org.cxr.lake.pipeline.Watermark;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * A lake of synthetic uploads, as the web application would have left it: each image a tiny distinct PNG in S3 under
 * its content-addressed key, its row in {@code image}, one inference, and 0 to 20 boxes (10 on average). Rows go in
 * through the lake's loader (COPY on PostgreSQL) into a fresh database with ids 1 to N in upload order, and the
 * uploads are spread evenly
 * over the {@link #SPAN} before {@code end}, so that the backup has a realistic number of daily partitions and no
 * row is younger than any settle delay. The same size and seed give the same lake, bytes included.
 */
final class SyntheticLake
{
    static final Duration SPAN = Duration.ofDays(30);

    // 16x16 grey noise does not compress: about 330 bytes per PNG, "a few hundred bytes" as planned.
    private static final int SIDE = 16;
    private static final int MAX_BOXES = 20;
    private static final List<String> CLASS_NAMES = List.of("Aortic enlargement", "Cardiomegaly", "ILD", "Infiltration", "Nodule/Mass");
    private static final String MODEL_NAME = "cxr-demo-phantom";
    private static final String MODEL_VERSION = "1.0.0";
    private static final int ROWS_PER_CALL = 20_000;

    private final int images;
    private final long seed;
    private final Instant start;

    SyntheticLake(int images, long seed, Instant end)
    {
        if (images < 1) {
            throw new IllegalArgumentException("images must be positive, got " + images);
        }
        this.images = images;
        this.seed = seed;
        this.start = requireNonNull(end, "end").minus(SPAN);
    }

    /** What was written, and how long each part took. */
    record Written(int images, int inferences, long boxes, int inferencesWithoutBoxes, long objectBytes, double s3Seconds, double copySeconds, double vacuumSeconds) {}

    Written write(Database database, ObjectStore store, int putThreads)
            throws InterruptedException
    {
        return write(database, store, putThreads, true);
    }

    /**
     * As {@link #write(Database, ObjectStore, int)}; without {@code objects} the images are made and hashed but not
     * stored, for stages that read only the lake's rows (the backup, the warehouse) on lakes too large to upload.
     */
    Written write(Database database, ObjectStore store, int putThreads, boolean objects)
            throws InterruptedException
    {
        long t0 = System.nanoTime();
        StoredPngs stored = pngs(store, putThreads, objects);
        long t1 = System.nanoTime();
        LakeRestore lake = new LakeRestore(database, Clock.systemUTC());
        lake.reserveIds(new Watermark(images, images, 0));
        BoxCounts boxes = lake.load(loader -> {
            loader.models(List.of(new ModelVersion(1, MODEL_NAME, MODEL_VERSION, CLASS_NAMES, start)));
            loadImages(loader, stored, store.bucket());
            loadInferences(loader);
            return loadBoxes(loader);
        });
        long t2 = System.nanoTime();
        lake.analyze();
        long t3 = System.nanoTime();
        return new Written(images, images, boxes.boxes(), boxes.inferencesWithoutBoxes(), stored.totalBytes(), seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2));
    }

    /** What {@link #add} stored: inferences, of which some on images the lake already had, and their boxes. */
    record Added(int inferences, int newImages, int reuploads, long boxes, int inferencesWithoutBoxes, double seconds) {}

    /**
     * Uploads {@code count} more images through the lake's own ingest path ({@link Lake#ingest}, as the web application
     * stores an upload: object first, then the rows in one transaction, ids from the lake's counters, created now):
     * every second one a new image (indices N, N+1, ...), the others the same bytes as an image spread evenly over the
     * lake, which the lake recognises and gives another inference. Boxes as in {@link #write}, from a seed of their own.
     * Call it once, after {@link #write}.
     */
    Added add(Lake lake, int count)
    {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        long t0 = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EED_ADD5L);
        int newImages = 0;
        int reuploads = 0;
        long boxes = 0;
        int withoutBoxes = 0;
        for (int k = 0; k < count; k++) {
            boolean reupload = k % 2 == 1;
            int index = reupload ? (int) ((long) (k / 2) * images / ((count + 1) / 2 + 1)) : images + k / 2;
            List<PredictedBox> predicted = boxes(random);
            IngestResult stored = lake.ingest(new Upload(png(index), "upload-" + index + ".png", MediaType.PNG, SIDE, SIDE),
                    new NewInference(0.4, 0.5, MODEL_NAME, MODEL_VERSION, 5 + random.nextInt(30), Optional.empty(), predicted));
            if (stored.newImage() == reupload) {
                throw new IllegalStateException("Upload " + k + " (image " + index + ") was expected to be " + (reupload ? "known" : "new") + ": " + stored);
            }
            newImages += reupload ? 0 : 1;
            reuploads += reupload ? 1 : 0;
            boxes += predicted.size();
            withoutBoxes += predicted.isEmpty() ? 1 : 0;
        }
        return new Added(count, newImages, reuploads, boxes, withoutBoxes, seconds(System.nanoTime() - t0));
    }

    private static List<PredictedBox> boxes(SplittableRandom random)
    {
        int count = random.nextInt(MAX_BOXES + 1);
        List<PredictedBox> boxes = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            int classId = random.nextInt(CLASS_NAMES.size());
            double width = 1 + random.nextDouble() * (SIDE - 1);
            double height = 1 + random.nextDouble() * (SIDE - 1);
            double xMin = random.nextDouble() * (SIDE - width);
            double yMin = random.nextDouble() * (SIDE - height);
            boxes.add(new PredictedBox(classId, CLASS_NAMES.get(classId), 0.4 + 0.6 * random.nextDouble(), xMin, yMin, xMin + width, yMin + height));
        }
        return boxes;
    }

    /** The image of upload {@code index}: its index in the first four pixels (so every image differs), noise after. */
    byte[] png(int index)
    {
        BufferedImage image = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        new SplittableRandom(seed * 1_000_003L + index).nextBytes(pixels);
        pixels[0] = (byte) (index >>> 24);
        pixels[1] = (byte) (index >>> 16);
        pixels[2] = (byte) (index >>> 8);
        pixels[3] = (byte) index;
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        // In memory: ImageIO.write to a plain stream caches through a temporary file per image, which more than
        // doubled the cost of an image (110 against 47 microseconds), minutes on a lake of a million.
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageIO.write(image, "png", stream);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot encode PNG " + index, e);
        }
        return out.toByteArray();
    }

    private record StoredPngs(String[] sha256, int[] sizes)
    {
        long totalBytes()
        {
            long total = 0;
            for (int size : sizes) {
                total += size;
            }
            return total;
        }
    }

    /** Each thread puts every {@code putThreads}-th image; an S3 put is mostly waiting, so more threads than cores help. */
    private StoredPngs pngs(ObjectStore store, int putThreads, boolean put)
            throws InterruptedException
    {
        String[] sha256 = new String[images];
        int[] sizes = new int[images];
        ExecutorService pool = Executors.newFixedThreadPool(putThreads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < putThreads; t++) {
                int first = t;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < images; i += putThreads) {
                        byte[] png = png(i);
                        sha256[i] = ContentHash.sha256(png);
                        sizes[i] = png.length;
                        if (put) {
                            store.put(ObjectKeys.image(sha256[i], MediaType.PNG), png, MediaType.PNG.mimeType());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("Putting the images into S3 failed", e.getCause());
        }
        finally {
            pool.shutdownNow();
        }
        return new StoredPngs(sha256, sizes);
    }

    private void loadImages(LakeRestore.Loader loader, StoredPngs objects, String bucket)
    {
        List<ImageRecord> rows = new ArrayList<>(ROWS_PER_CALL);
        for (int i = 0; i < images; i++) {
            rows.add(new ImageRecord(i + 1, objects.sha256()[i], bucket, ObjectKeys.image(objects.sha256()[i], MediaType.PNG), "upload-" + i + ".png",
                    MediaType.PNG, SIDE, SIDE, objects.sizes()[i], uploadTime(i)));
            if (rows.size() == ROWS_PER_CALL) {
                loader.images(rows);
                rows.clear();
            }
        }
        loader.images(rows);
    }

    private void loadInferences(LakeRestore.Loader loader)
    {
        SplittableRandom random = new SplittableRandom(seed);
        List<InferenceRecord> rows = new ArrayList<>(ROWS_PER_CALL);
        for (int i = 0; i < images; i++) {
            rows.add(new InferenceRecord(i + 1, i + 1, uploadTime(i), 0.4, 0.5, MODEL_NAME, MODEL_VERSION, 5 + random.nextInt(30), Optional.empty()));
            if (rows.size() == ROWS_PER_CALL) {
                loader.inferences(rows);
                rows.clear();
            }
        }
        loader.inferences(rows);
    }

    private record BoxCounts(long boxes, int inferencesWithoutBoxes) {}

    private BoxCounts loadBoxes(LakeRestore.Loader loader)
    {
        SplittableRandom random = new SplittableRandom(~seed);
        long boxes = 0;
        int withoutBoxes = 0;
        List<BoxRecord> rows = new ArrayList<>(ROWS_PER_CALL + MAX_BOXES);
        for (int i = 0; i < images; i++) {
            int count = random.nextInt(MAX_BOXES + 1);
            for (int b = 0; b < count; b++) {
                int classId = random.nextInt(CLASS_NAMES.size());
                double width = 1 + random.nextDouble() * (SIDE - 1);
                double height = 1 + random.nextDouble() * (SIDE - 1);
                double xMin = random.nextDouble() * (SIDE - width);
                double yMin = random.nextDouble() * (SIDE - height);
                // Above the model's default confidence, as stored detections are.
                double score = 0.4 + 0.6 * random.nextDouble();
                rows.add(new BoxRecord(boxes + b + 1, i + 1, classId, CLASS_NAMES.get(classId), score, xMin, yMin, xMin + width, yMin + height));
            }
            boxes += count;
            withoutBoxes += count == 0 ? 1 : 0;
            if (rows.size() >= ROWS_PER_CALL) {
                loader.boxes(rows);
                rows.clear();
            }
        }
        loader.boxes(rows);
        return new BoxCounts(boxes, withoutBoxes);
    }

    /** Millisecond times (as BSON dates keep them), evenly spread and rising with the id, as uploads' times do. */
    private Instant uploadTime(int index)
    {
        return start.plusMillis(SPAN.toMillis() * index / images);
    }

    private static double seconds(long nanos)
    {
        return nanos / 1e9;
    }
}
