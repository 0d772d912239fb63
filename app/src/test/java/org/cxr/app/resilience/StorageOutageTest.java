package org.cxr.app.resilience;

import com.zaxxer.hikari.HikariDataSource;
import org.cxr.app.TestModels;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.lake.ContentHash;
import org.cxr.lake.LakeRows;
import org.cxr.lake.LakeTables;
import org.cxr.lake.embedded.EmbeddedPostgres;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5: the database or the object store goes away while the application runs, and comes back. The application
 * uses them as external services (by URL and endpoint), so the test can stop and restart each on the same port and
 * data folder. While one is down, every request touching it answers 503 with a JSON message naming what is down
 * (never a 500, never a stack trace or a credential), nothing half-written is left, health reports DOWN; once it is
 * back, the application recovers without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StorageOutageTest
{
    private static final String BUCKET = "outage-images";
    /** An upload must be refused quickly when the image store is down: the SDK's few retries, not a hang. */
    private static final Duration S3_DOWN_ANSWER = Duration.ofSeconds(15);
    /**
     * Requests that need the database wait for a pooled connection up to the pool's connection timeout (HikariCP's
     * default of 30 s unless the lake sets one); the 503 must come within that and this margin.
     */
    private static final Duration DATABASE_DOWN_MARGIN = Duration.ofSeconds(10);

    private Path dir;
    private int postgresPort;
    private int s3Port;
    private EmbeddedPostgres postgres;
    private EmbeddedS3 s3;
    private ConfigurableApplicationContext app;
    private Api api;
    private int port;
    private LakeRows rows;
    private LakeTables tables;
    private long seed = 1;

    @BeforeAll
    void start()
            throws IOException
    {
        dir = Files.createTempDirectory("cxr-outage");
        postgresPort = freePort();
        s3Port = freePort();
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), postgresPort);
        s3 = EmbeddedS3.start(dir.resolve("s3"), s3Port);
        try (ObjectStore owner = ObjectStore.create(s3.config(BUCKET))) {
            owner.createBucketIfAbsent();
        }
        app = new SpringApplicationBuilder(CxrApplication.class).run(
                "--server.port=0",
                "--cxr.data-directory=" + Files.createDirectory(dir.resolve("data")),
                "--cxr.model.directory=" + TestModels.DEMO_MODEL,
                "--cxr.model.threads=1",
                "--" + TestUsers.ADMIN_PASSWORD_PROPERTY + "=" + TestUsers.ADMIN_PASSWORD,
                "--cxr.database.url=" + postgres.jdbcUrl(),
                "--cxr.database.username=" + EmbeddedPostgres.USER,
                "--cxr.s3.endpoint=" + s3.endpoint(),
                "--cxr.s3.region=us-east-1",
                "--cxr.s3.bucket=" + BUCKET,
                "--cxr.s3.access-key=" + EmbeddedS3.ACCESS_KEY,
                "--cxr.s3.secret-key=" + EmbeddedS3.SECRET_KEY,
                "--cxr.s3.path-style=true",
                "--cxr.pipelines.warehouse.embedded-port=0");
        port = ((WebServerApplicationContext) app).getWebServer().getPort();
        api = new Api(port, Duration.ofSeconds(90), TestUsers.bearer(port, "rita", "radiologist"));
        rows = new LakeRows(app.getBean(Database.class));
        tables = new LakeTables(app.getBean(Database.class));
    }

    @AfterAll
    void stop()
            throws IOException
    {
        try {
            if (app != null) {
                app.close();
            }
        }
        finally {
            if (s3 != null) {
                s3.close();
            }
            if (postgres != null) {
                postgres.close();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    @Order(1)
    void whileTheObjectStoreIsDownUploadsAnswer503AndStoreNothingThenRecoverWhenItIsBack()
            throws Exception
    {
        byte[] before = HostileFiles.smallPng(seed++);
        HttpResponse<String> stored = api.upload("before.png", "image/png", before);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        String storedSha = ContentHash.sha256(before);
        long images = rows.counts().images();
        long inferences = rows.counts().inferences();

        s3.close();
        s3 = null;

        byte[] during = HostileFiles.smallPng(seed++);
        long start = System.nanoTime();
        HttpResponse<String> refused = api.upload("during.png", "image/png", during);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("Upload with the object store down answered " + refused.statusCode() + " in " + took.toMillis() + " ms");
        assertUnavailable(refused, "image store is unavailable");
        assertThat(took).isLessThan(S3_DOWN_ANSWER);
        assertThat(rows.counts().images()).isEqualTo(images);
        assertThat(rows.counts().inferences()).isEqualTo(inferences);
        // An image the lake already has needs nothing from the store: its object went in before its row did.
        HttpResponse<String> again = api.upload("again.png", "image/png", before);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertThat(Api.json(again).get("image").get("sha256").asString()).isEqualTo(storedSha);
        assertThat(rows.counts().images()).isEqualTo(images);
        assertThat(rows.counts().inferences()).isEqualTo(inferences + 1);

        // Reads of metadata still work; reads of bytes say the store is down.
        assertThat(api.get("/api/v1/inferences?limit=5").statusCode()).isEqualTo(200);
        assertUnavailable(api.get("/api/v1/images/" + storedSha), "image store is unavailable");
        HttpResponse<String> health = api.get("/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        JsonNode components = Api.json(health).get("components");
        assertThat(components.get("objectStore").get("status").asString()).isEqualTo("DOWN");
        assertThat(components.get("database").get("status").asString()).isEqualTo("UP");
        assertThat(health.body()).doesNotContain(EmbeddedS3.SECRET_KEY);

        s3 = EmbeddedS3.start(dir.resolve("s3"), s3Port);

        HttpResponse<String> after = api.upload("during.png", "image/png", during);
        assertThat(after.statusCode()).as(after.body()).isEqualTo(201);
        assertThat(Api.json(after).get("image").get("sha256").asString()).isEqualTo(ContentHash.sha256(during));
        HttpResponse<byte[]> bytes = api.getBytes("/api/v1/images/" + ContentHash.sha256(during));
        assertThat(bytes.statusCode()).isEqualTo(200);
        assertThat(bytes.body()).isEqualTo(during);
        assertThat(api.getBytes("/api/v1/images/" + storedSha).body()).isEqualTo(before);
        assertThat(api.get("/actuator/health").statusCode()).isEqualTo(200);
        assertThat(rows.counts().images()).isEqualTo(images + 1);
    }

    @Test
    @Order(2)
    void whileTheDatabaseIsDownUploadsAndReadsAnswer503ThenTheApplicationRecoversByItself()
            throws Exception
    {
        byte[] before = HostileFiles.smallPng(seed++);
        HttpResponse<String> stored = api.upload("before.png", "image/png", before);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        long id = Api.json(stored).get("inferenceId").asLong();

        postgres.close();
        postgres = null;

        // All at once: each waits for a pooled connection until the pool gives up.
        Duration poolTimeout = Duration.ofMillis(app.getBean(DataSource.class).unwrap(HikariDataSource.class).getConnectionTimeout());
        Duration bound = poolTimeout.plus(DATABASE_DOWN_MARGIN);
        byte[] during = HostileFiles.smallPng(seed++);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<Timed> upload = pool.submit(timed(() -> api.upload("during.png", "image/png", during)));
            Future<Timed> list = pool.submit(timed(() -> api.get("/api/v1/inferences?limit=5")));
            Future<Timed> one = pool.submit(timed(() -> api.get("/api/v1/inferences/" + id)));
            Future<Timed> health = pool.submit(timed(() -> api.get("/actuator/health")));
            for (Future<Timed> f : java.util.List.of(upload, list, one, health)) {
                Timed t = f.get();
                System.out.println("With the database down (pool connection timeout " + poolTimeout.toMillis() + " ms): "
                        + t.response().uri().getPath() + " answered " + t.response().statusCode() + " in " + t.took().toMillis() + " ms");
                assertThat(t.took()).isLessThan(bound);
            }
            assertUnavailable(upload.get().response(), "database is unavailable");
            assertUnavailable(list.get().response(), "database is unavailable");
            assertUnavailable(one.get().response(), "database is unavailable");
            HttpResponse<String> down = health.get().response();
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(Api.json(down).get("components").get("database").get("status").asString()).isEqualTo("DOWN");
            assertThat(Api.json(down).get("components").get("objectStore").get("status").asString()).isEqualTo("UP");
            // A password that cannot be checked is the database's fault, not the caller's: 503, not 401.
            HttpResponse<String> basic = new Api(port, Duration.ofSeconds(30), TestUsers.basic("rita", TestUsers.PASSWORD)).get("/api/v1/model");
            assertUnavailable(basic, "database is unavailable");
        }
        finally {
            pool.shutdownNow();
        }

        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), postgresPort);

        HttpResponse<String> after = api.upload("during.png", "image/png", during);
        assertThat(after.statusCode()).as("the first upload after the restart: " + after.body()).isEqualTo(201);
        assertThat(api.get("/api/v1/inferences/" + id).statusCode()).isEqualTo(200);
        JsonNode listed = Api.json(api.get("/api/v1/inferences?limit=5"));
        assertThat(listed.get("items").get(0).get("inferenceId").asLong()).isEqualTo(Api.json(after).get("inferenceId").asLong());
        assertThat(api.get("/actuator/health").statusCode()).isEqualTo(200);
        // The failed attempt left no row: the image was stored once, by the retry.
        assertThat(tables.inferencesOfImage(ContentHash.sha256(during))).isEqualTo(1);
    }

    private record Timed(HttpResponse<String> response, Duration took) {}

    private static Callable<Timed> timed(Callable<HttpResponse<String>> request)
    {
        return () -> {
            long start = System.nanoTime();
            HttpResponse<String> response = request.call();
            return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
        };
    }

    private static void assertUnavailable(HttpResponse<String> response, String message)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(Api.errorProblem(response)).as(response.body()).isNull();
        assertThat(Api.json(response).get("message").asString()).contains(message);
        assertThat(response.body()).doesNotContain(EmbeddedS3.SECRET_KEY, EmbeddedS3.ACCESS_KEY, "Exception", "jdbc:", "127.0.0.1", "localhost", "\tat ");
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
