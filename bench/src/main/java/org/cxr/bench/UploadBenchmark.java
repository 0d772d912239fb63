package org.cxr.bench;

import org.cxr.detector.Detector;
import org.cxr.detector.DetectorOptions;
import org.cxr.phantom.Phantom;
import org.cxr.phantom.PhantomGenerator;

import javax.imageio.ImageIO;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * Upload-to-response latency and throughput of a running cxr server with several concurrent clients, and, in the
 * same run, the detector alone (PNG bytes to boxes, in this JVM) on the same images. Prints JSON lines. The uploads
 * carry the personal API token in {@code CXR_API_TOKEN} (bench/upload.sh makes one), as a script's would.
 *
 * <pre>java -cp bench/target/cxr-bench.jar org.cxr.bench.UploadBenchmark BASE_URL MODEL_DIR REQUESTS CLIENTS...</pre>
 */
public final class UploadBenchmark
{
    private static final int IMAGES = 24;
    private static final int REFUSALS_WARM_UP = 50;
    /** Requests sent to the server, warm-up included. */
    private static final AtomicInteger SENT = new AtomicInteger();

    private UploadBenchmark() {}

    public static void main(String[] args)
            throws Exception
    {
        if (args.length < 4) {
            System.err.println("usage: UploadBenchmark BASE_URL MODEL_DIR REQUESTS CLIENTS...");
            System.exit(2);
        }
        if (System.getenv("CXR_API_TOKEN") == null) {
            System.err.println("UploadBenchmark needs a personal API token in CXR_API_TOKEN (bench/upload.sh makes one)");
            System.exit(2);
        }
        URI endpoint = URI.create(args[0] + "/api/v1/inferences");
        Path model = Path.of(args[1]);
        int requests = Integer.parseInt(args[2]);
        List<byte[]> images = phantoms();
        // Both sides are measured warm, as a server that has run for a while is: the server's JIT has more code to
        // compile (web server, security, database and S3 clients) than the detector's.
        int warmUp = Integer.getInteger("warmUp", 10);

        // The detector's best throughput may need more than one caller (decoding runs beside the model's threads), so
        // it is measured with each client count the uploads are.
        try (Detector detector = Detector.load(model, DetectorOptions.defaults())) {
            for (int i = 0; i < warmUp; i++) {
                detector.detect(images.get(i % images.size()), detector.defaultThresholds());
            }
            for (int a = 3; a < args.length; a++) {
                detectorAlone(detector, images, Integer.parseInt(args[a]), requests);
            }
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // Half the warm-up's uploads are of new images, so that writing objects is compiled too.
        for (int i = 0; i < warmUp; i++) {
            byte[] png = images.get(i % images.size());
            upload(client, endpoint, i % 2 == 0 ? png : withText(png, "cxr-bench warm-up " + System.nanoTime() + " " + i));
        }
        // A refusal runs the upload's first steps, which the uploads have compiled already.
        for (int i = 0; i < REFUSALS_WARM_UP; i++) {
            refusal(client, endpoint, images.get(i % images.size()));
        }
        for (int a = 3; a < args.length; a++) {
            int clients = Integer.parseInt(args[a]);
            uploads(client, endpoint, images, clients, requests, false);
        }
        for (int a = 3; a < args.length; a++) {
            int clients = Integer.parseInt(args[a]);
            uploads(client, endpoint, images, clients, requests, true);
        }
        refusals(client, endpoint, images, requests);
        // What bench/upload.sh divides the server's CPU by.
        System.out.printf(Locale.ROOT, "{\"requestsSent\": %d}%n", SENT.get());
    }

    private static List<byte[]> phantoms()
            throws IOException
    {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            images.add(phantomPng(i));
        }
        return images;
    }

    /** The i-th phantom of the benchmarks' seed as an 8-bit PNG file (0.5 to 0.9 MB). */
    static byte[] phantomPng(int i)
            throws IOException
    {
        Phantom p = new PhantomGenerator().generate(PhantomGenerator.imageSeed(4242, i));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(p.toImage(8), "png", out);
        return out.toByteArray();
    }

    private static void detectorAlone(Detector detector, List<byte[]> images, int callers, int requests)
            throws Exception
    {
        measure("detector-alone (PNG bytes to boxes, in process)", callers, requests,
                i -> detector.detect(images.get(i % images.size()), detector.defaultThresholds()));
    }

    private interface Request
    {
        void send(int i)
                throws Exception;
    }

    /** Times requests 0 to {@code requests - 1}, each on its own, {@code callers} at a time, and prints the row. */
    private static void measure(String what, int callers, int requests, Request request)
            throws Exception
    {
        long[] nanos = new long[requests];
        long total = concurrently(callers, requests, i -> {
            long t0 = System.nanoTime();
            request.send(i);
            nanos[i] = System.nanoTime() - t0;
        });
        print(what, callers, requests, total, nanos);
    }

    /** Runs requests 0 to {@code requests - 1} on {@code callers} threads, each taking every callers-th; the wall time. */
    private static long concurrently(int callers, int requests, Request request)
            throws Exception
    {
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                int first = c;
                futures.add(pool.submit(() -> {
                    for (int i = first; i < requests; i += callers) {
                        request.send(i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            return System.nanoTime() - start;
        }
        finally {
            pool.shutdownNow();
        }
    }

    /**
     * Uploads of the 24 phantoms over and over (after the warm-up the lake has them all, so their objects are not
     * written again), or, with {@code newImages}, each request's phantom made a file the lake has never seen by a
     * text chunk of its own: the same pixels, a new hash, so its object is written to S3 beside the model's run.
     */
    private static void uploads(HttpClient client, URI endpoint, List<byte[]> images, int clients, int requests, boolean newImages)
            throws Exception
    {
        long run = System.nanoTime();
        List<byte[]> bodies = new ArrayList<>(requests);
        for (int i = 0; i < requests; i++) {
            byte[] png = images.get(i % images.size());
            bodies.add(newImages ? withText(png, "cxr-bench " + run + " " + clients + " " + i) : png);
        }
        measure(newImages ? "http-upload (POST /api/v1/inferences, stored, a new image each time)"
                : "http-upload (POST /api/v1/inferences, stored, images the lake has)", clients, requests,
                i -> upload(client, endpoint, bodies.get(i)));
    }

    /** The PNG with a tEXt chunk after its header: a different file of the same picture. */
    static byte[] withText(byte[] png, String text)
    {
        int afterHeader = 8 + 4 + 4 + 13 + 4; // signature, then IHDR's length, type, 13 bytes of data and CRC
        byte[] data = ("Comment\0" + text).getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer chunk = ByteBuffer.allocate(4 + 4 + data.length + 4);
        chunk.putInt(data.length).put("tEXt".getBytes(StandardCharsets.US_ASCII)).put(data);
        CRC32 crc = new CRC32();
        crc.update(chunk.array(), 4, 4 + data.length);
        chunk.putInt((int) crc.getValue());
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, afterHeader);
        System.arraycopy(chunk.array(), 0, out, afterHeader, chunk.capacity());
        System.arraycopy(png, afterHeader, out, afterHeader + chunk.capacity(), png.length - afterHeader);
        return out;
    }

    /**
     * The same requests with the file declared as a JPEG: the server checks the token, reads and parses the body, and
     * refuses the upload (415) before it decodes or stores anything. What the HTTP exchange costs without the work.
     */
    private static void refusals(HttpClient client, URI endpoint, List<byte[]> images, int requests)
            throws Exception
    {
        measure("http-refused (the same body declared image/jpeg: token, body, parser, 415, nothing stored)", 1, requests,
                i -> refusal(client, endpoint, images.get(i % images.size())));
    }

    private static void upload(HttpClient client, URI endpoint, byte[] png)
            throws IOException, InterruptedException
    {
        send(client, endpoint, png, "image/png", 201);
    }

    private static void refusal(HttpClient client, URI endpoint, byte[] png)
            throws IOException, InterruptedException
    {
        send(client, endpoint, png, "image/jpeg", 415);
    }

    private static void send(HttpClient client, URI endpoint, byte[] png, String declaredType, int expectedStatus)
            throws IOException, InterruptedException
    {
        String boundary = "cxr-bench-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"bench.png\"\r\n"
                + "Content-Type: " + declaredType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(png);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        SENT.incrementAndGet();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(endpoint)
                .header("Authorization", "Bearer " + System.getenv("CXR_API_TOKEN"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException("expected " + expectedStatus + ", got " + response.statusCode() + " " + response.body());
        }
    }

    private static void print(String what, int clients, int requests, long totalNanos, long[] nanos)
    {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT,
                "{\"what\": \"%s\", \"clients\": %d, \"requests\": %d, \"perSecond\": %.2f, \"p50Ms\": %.2f, \"p99Ms\": %.2f}%n",
                what, clients, requests, requests / (totalNanos / 1e9),
                DetectorBenchmark.percentile(sorted, 0.50) / 1e6, DetectorBenchmark.percentile(sorted, 0.99) / 1e6);
    }
}
