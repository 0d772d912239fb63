package org.cxr.bench;

import org.cxr.datamart.DataMartOptions;
import org.cxr.lake.ContentHash;
import org.cxr.lake.MediaType;
import org.cxr.lake.db.Database;
import org.cxr.lake.store.ObjectKeys;
import org.cxr.lake.store.ObjectStore;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static java.util.Objects.requireNonNull;

/**
 * A lake of synthetic uploads, as the web application would have left it: each image a tiny distinct PNG in S3 under
 * its content-addressed key, its row in {@code image}, one inference, and 0 to 20 boxes (10 on average). Rows go in
 * with PostgreSQL COPY into a fresh database, so ids are 1 to N in upload order, and the uploads are spread evenly
 * over the {@link #SPAN} before {@code end}, so that the backup has a realistic number of daily partitions and no
 * row is younger than any settle delay. The same size and seed give the same lake, bytes included.
 */
final class SyntheticLake
{
    static final Duration SPAN = Duration.ofDays(30);

    // 16x16 grey noise does not compress: about 330 bytes per PNG, "a few hundred bytes" as planned.
    private static final int SIDE = 16;
    private static final int MAX_BOXES = 20;
    private static final List<String> CLASS_NAMES = DataMartOptions.DEFAULT_CLASS_NAMES;
    private static final String MODEL_NAME = "cxr-demo-phantom";
    private static final String MODEL_VERSION = "1.0.0";
    private static final int COPY_BUFFER_CHARS = 256 * 1024;

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
            throws SQLException, InterruptedException
    {
        long t0 = System.nanoTime();
        StoredPngs objects = putObjects(store, putThreads);
        long t1 = System.nanoTime();
        BoxCounts boxes;
        try (Connection connection = database.dataSource().getConnection()) {
            CopyManager copy = new CopyManager(connection.unwrap(BaseConnection.class));
            copyImages(copy, objects, store.bucket());
            checkIds(connection, "image");
            copyInferences(copy);
            checkIds(connection, "inference");
            boxes = copyBoxes(copy);
        }
        long t2 = System.nanoTime();
        vacuum(database);
        long t3 = System.nanoTime();
        return new Written(images, images, boxes.boxes(), boxes.inferencesWithoutBoxes(), objects.totalBytes(), seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2));
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
        try {
            ImageIO.write(image, "png", out);
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
    private StoredPngs putObjects(ObjectStore store, int putThreads)
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
                        store.put(ObjectKeys.image(sha256[i], MediaType.PNG), png, MediaType.PNG.mimeType());
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

    private void copyImages(CopyManager copy, StoredPngs objects, String bucket)
            throws SQLException
    {
        try (CopyRows rows = new CopyRows(copy, "COPY image (sha256, bucket, object_key, original_file_name, media_type, width, height, size_bytes, first_seen) FROM STDIN")) {
            for (int i = 0; i < images; i++) {
                rows.row(objects.sha256()[i], bucket, ObjectKeys.image(objects.sha256()[i], MediaType.PNG), "upload-" + i + ".png",
                        MediaType.PNG.mimeType(), SIDE, SIDE, objects.sizes()[i], uploadTime(i));
            }
            rows.finish();
        }
    }

    private void copyInferences(CopyManager copy)
            throws SQLException
    {
        SplittableRandom random = new SplittableRandom(seed);
        try (CopyRows rows = new CopyRows(copy, "COPY inference (image_id, created_at, confidence_threshold, nms_iou_threshold, model_name, model_version, duration_ms, user_name) FROM STDIN")) {
            for (int i = 0; i < images; i++) {
                rows.row(i + 1, uploadTime(i), 0.4, 0.5, MODEL_NAME, MODEL_VERSION, 5 + random.nextInt(30), null);
            }
            rows.finish();
        }
    }

    private record BoxCounts(long boxes, int inferencesWithoutBoxes) {}

    private BoxCounts copyBoxes(CopyManager copy)
            throws SQLException
    {
        SplittableRandom random = new SplittableRandom(~seed);
        long boxes = 0;
        int withoutBoxes = 0;
        try (CopyRows rows = new CopyRows(copy, "COPY predicted_box (inference_id, class_id, class_name, score, x_min, y_min, x_max, y_max) FROM STDIN")) {
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
                    rows.row(i + 1, classId, CLASS_NAMES.get(classId), score, xMin, yMin, xMin + width, yMin + height);
                }
                boxes += count;
                withoutBoxes += count == 0 ? 1 : 0;
            }
            rows.finish();
        }
        return new BoxCounts(boxes, withoutBoxes);
    }

    /** Millisecond times (as BSON dates keep them), evenly spread and rising with the id, as uploads' times do. */
    private Instant uploadTime(int index)
    {
        return start.plusMillis(SPAN.toMillis() * index / images);
    }

    /** The inferences and boxes refer to images and inferences by id: COPY into a fresh table must have given 1 to N. */
    private void checkIds(Connection connection, String table)
            throws SQLException
    {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*), min(id), max(id) FROM " + table)) {
            result.next();
            if (result.getLong(1) != images || result.getLong(2) != 1 || result.getLong(3) != images) {
                throw new IllegalStateException(table + " ids are not 1 to " + images + ": count " + result.getLong(1) + ", min " + result.getLong(2)
                        + ", max " + result.getLong(3) + " (is the database fresh?)");
            }
        }
    }

    /**
     * A lake that has been up for a while has its visibility map and statistics in place; without this the first stage
     * to read the rows would pay for setting hint bits on a million fresh rows, and plans would rest on no statistics.
     */
    private static void vacuum(Database database)
            throws SQLException
    {
        try (Connection connection = database.dataSource().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("VACUUM ANALYZE image, inference, predicted_box");
        }
    }

    private static double seconds(long nanos)
    {
        return nanos / 1e9;
    }

    /**
     * Rows in COPY's text format, sent a buffer at a time. The values are numbers, times and this class's own strings,
     * none with a tab, newline or backslash, so nothing needs escaping; null is {@code \N}.
     */
    private static final class CopyRows
            implements AutoCloseable
    {
        private final CopyIn copyIn;
        private final StringBuilder buffer = new StringBuilder(COPY_BUFFER_CHARS + 1024);

        CopyRows(CopyManager copy, String sql)
                throws SQLException
        {
            this.copyIn = copy.copyIn(sql);
        }

        void row(Object... values)
                throws SQLException
        {
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    buffer.append('\t');
                }
                buffer.append(values[i] == null ? "\\N" : values[i].toString());
            }
            buffer.append('\n');
            if (buffer.length() >= COPY_BUFFER_CHARS) {
                flush();
            }
        }

        private void flush()
                throws SQLException
        {
            byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
            copyIn.writeToCopy(bytes, 0, bytes.length);
            buffer.setLength(0);
        }

        /** Sends the last rows and commits them. */
        void finish()
                throws SQLException
        {
            flush();
            copyIn.endCopy();
        }

        /** Cancels a COPY that did not finish, so that no part of it is committed. */
        @Override
        public void close()
                throws SQLException
        {
            if (copyIn.isActive()) {
                copyIn.cancelCopy();
            }
        }
    }
}
