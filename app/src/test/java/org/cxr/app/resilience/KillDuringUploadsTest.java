package org.cxr.app.resilience;

import org.cxr.app.Cxr;
import org.cxr.app.TestModels;
import org.cxr.app.TestUsers;
import org.cxr.lake.ContentHash;
import org.cxr.lake.LakeTables;
import org.cxr.lake.sql.Database;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.store.ObjectListing;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5: the server's JVM is killed (SIGKILL) in the middle of a burst of uploads and started again on the same data
 * directory. Every upload that was answered 201 is complete afterwards (object, image row, inference, all its boxes);
 * after a sweep with no grace period, no object without an image row is left. The server runs as a separate JVM on
 * this test's class path (so it is the code just compiled, not a possibly stale jar), with its embedded PostgreSQL
 * and S3 server under a temporary data directory.
 */
class KillDuringUploadsTest
{
    private static final int BURST = 16;
    private static final Duration STAGGER = Duration.ofMillis(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    @Test
    void answeredUploadsSurviveAKillAndTheSweepLeavesNoOrphanObject()
            throws Exception
    {
        Path dataDir = dir.resolve("data");
        String radiologist;
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            images.add(TestModels.phantomPng(PhantomGenerator.imageSeed(5005, i)));
        }

        // 1. A burst of uploads, started a little apart so that they are at different stages (receiving, detecting,
        // writing the object, committing) when the JVM is killed, as soon as a quarter of them are answered.
        int port = freePort();
        Process server = start(dataDir, port, dir.resolve("server-1.log"), "serve", "--port", String.valueOf(port));
        Map<Integer, HttpResponse<String>> answered = new HashMap<>();
        Set<Integer> unanswered = new HashSet<>();
        try {
            awaitReady(server, port, dir.resolve("server-1.log"));
            radiologist = TestUsers.bearer(port, "rita", "radiologist");
            Api api = new Api(port, Duration.ofSeconds(60), radiologist);
            CountDownLatch someAnswered = new CountDownLatch(BURST / 4);
            ExecutorService pool = Executors.newFixedThreadPool(BURST);
            try {
                List<Future<HttpResponse<String>>> futures = new ArrayList<>();
                for (int i = 0; i < BURST; i++) {
                    byte[] png = images.get(i);
                    String name = "burst-" + i + ".png";
                    long delay = i * STAGGER.toMillis();
                    futures.add(pool.submit(() -> {
                        Thread.sleep(delay);
                        HttpResponse<String> response = api.upload(name, "image/png", png);
                        someAnswered.countDown();
                        return response;
                    }));
                }
                assertThat(someAnswered.await(120, TimeUnit.SECONDS)).as("uploads were answered").isTrue();
                server.destroyForcibly();
                assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < BURST; i++) {
                    try {
                        answered.put(i, futures.get(i).get(60, TimeUnit.SECONDS));
                    }
                    catch (ExecutionException e) {
                        unanswered.add(i); // cut off by the kill: stored or not, but never half
                    }
                }
            }
            finally {
                pool.shutdownNow();
            }
        }
        finally {
            server.destroyForcibly();
        }
        long created = answered.values().stream().filter(r -> r.statusCode() == 201).count();
        System.out.println("Before the kill: " + created + " uploads answered 201, " + (answered.size() - created) + " otherwise, "
                + unanswered.size() + " cut off");
        assertThat(answered.values()).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(201));
        assertThat(created).isPositive();

        // 2. The server starts again on the same data directory. The killed JVM's PostgreSQL, a daemon, still runs there
        // and holds it: the new server has to stop it first.
        Optional<ProcessHandle> orphan = postmaster(dataDir.resolve("postgres"));
        System.out.println("After the kill, PostgreSQL still running on the data directory: " + orphan.map(ProcessHandle::pid));
        int again = freePort();
        server = start(dataDir, again, dir.resolve("server-2.log"), "serve", "--port", String.valueOf(again));
        try {
            awaitReady(server, again, dir.resolve("server-2.log"));
            assertThat(orphan.filter(ProcessHandle::isAlive)).as("the killed server's PostgreSQL").isEmpty();
            Api api = new Api(again, Duration.ofSeconds(60), radiologist);
            for (Map.Entry<Integer, HttpResponse<String>> e : answered.entrySet()) {
                JsonNode body = Api.json(e.getValue());
                HttpResponse<String> inference = api.get("/api/v1/inferences/" + body.get("inferenceId").asLong());
                assertThat(inference.statusCode()).as("inference of upload %d", e.getKey()).isEqualTo(200);
                assertThat(Api.json(inference).get("detections")).as("boxes of upload %d", e.getKey()).isEqualTo(body.get("detections"));
                HttpResponse<byte[]> bytes = api.getBytes("/api/v1/images/" + ContentHash.sha256(images.get(e.getKey())));
                assertThat(bytes.statusCode()).isEqualTo(200);
                assertThat(bytes.body()).isEqualTo(images.get(e.getKey()));
            }
            for (int i : unanswered) {
                HttpResponse<byte[]> bytes = api.getBytes("/api/v1/images/" + ContentHash.sha256(images.get(i)));
                assertThat(bytes.statusCode()).as("upload %d cut off by the kill", i).isIn(200, 404);
                if (bytes.statusCode() == 200) {
                    assertThat(bytes.body()).isEqualTo(images.get(i));
                }
            }
        }
        finally {
            server.destroy(); // SIGTERM: a normal shutdown, which stops the embedded servers
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }

        // 3. The sweep, with no grace period, removes what the kill left without metadata.
        Process sweep = start(dataDir, 0, dir.resolve("sweep.log"), "sweep");
        assertThat(sweep.waitFor(120, TimeUnit.SECONDS)).as("the sweep ends").isTrue();
        String sweepLog = Files.readString(dir.resolve("sweep.log"), StandardCharsets.UTF_8);
        System.out.println("Sweep: " + sweepLog.lines().filter(l -> l.startsWith("Sweep") || l.startsWith("deleted")).toList());
        assertThat(sweep.exitValue()).as(sweepLog).isZero();

        // 4. The lake itself: every object has its image row and every row its object; every answered inference has its boxes.
        try (EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDir.resolve("postgres"));
                EmbeddedS3 s3 = EmbeddedS3.start(dataDir.resolve("s3"));
                Database database = Database.connect(postgres.databaseConfig());
                ObjectStore store = ObjectStore.create(s3.config("cxr-images"))) {
            LakeTables tables = new LakeTables(database);
            Set<String> keys = new HashSet<>(tables.column("image", "object_key", String.class));
            Set<String> objects = new HashSet<>();
            Optional<String> token = Optional.empty();
            do {
                ObjectListing page = store.list("", token, ObjectStore.MAX_KEYS_PER_PAGE);
                page.objects().stream().map(StoredObject::key).forEach(objects::add);
                token = page.nextToken();
            }
            while (token.isPresent());
            assertThat(objects).as("objects after the sweep are exactly the image rows' objects").isEqualTo(keys);
            for (HttpResponse<String> response : answered.values()) {
                JsonNode body = Api.json(response);
                assertThat(tables.boxCount(body.get("inferenceId").asLong())).isEqualTo(body.get("detections").size());
            }
            assertThat(tables.orphanInferences()).isZero();
        }
    }

    /** The cxr command line in a new JVM on this test's class path, with everything under the data directory. */
    private static Process start(Path dataDir, int port, Path log, String... command)
            throws IOException
    {
        List<String> line = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx768m",
                "-cp", System.getProperty("java.class.path"),
                Cxr.class.getName()));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("CXR_DATA_DIR", dataDir.toString());
        env.put("CXR_MODEL_DIR", TestModels.DEMO_MODEL.toAbsolutePath().normalize().toString());
        env.put("CXR_MODEL_THREADS", "1");
        env.put("CXR_EMBEDDED_POSTGRES_PORT", "0");
        env.put("CXR_EMBEDDED_S3_PORT", "0");
        env.put("CXR_EMBEDDED_WAREHOUSE_PORT", "0");
        env.put("CXR_BACKUP_CRON", "-");
        env.put("CXR_WAREHOUSE_CRON", "-");
        env.put("CXR_SWEEP_GRACE", "0s");
        env.put("ORT_DISABLE_TELEMETRY", "1");
        env.put("CXR_ADMIN_PASSWORD", TestUsers.ADMIN_PASSWORD);
        return builder.start();
    }

    /** The running postmaster that postmaster.pid names, if any. */
    private static Optional<ProcessHandle> postmaster(Path postgresDir)
            throws IOException
    {
        Path pidFile = postgresDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pidFile).get(0).trim())).filter(ProcessHandle::isAlive);
    }

    private static void awaitReady(Process server, int port, Path log)
            throws Exception
    {
        Api api = new Api(port, Duration.ofSeconds(10));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("The server exited with " + server.exitValue() + ":\n" + tail(log));
            }
            try {
                if (api.get("/actuator/health/readiness").statusCode() == 200) {
                    return;
                }
            }
            catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("The server was not ready within " + START_TIMEOUT + ":\n" + tail(log));
    }

    private static String tail(Path log)
            throws IOException
    {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
