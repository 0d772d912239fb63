package org.cxr.app.server;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.lake.ContentHash;
import org.cxr.lake.Lake;
import org.cxr.lake.LakeCounts;
import org.cxr.lake.LakeRows;
import org.cxr.lake.LakeTables;
import org.cxr.lake.embedded.EmbeddedS3;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectStore;
import org.cxr.phantom.Phantom;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP API on the real stack: the demo model, embedded PostgreSQL and the embedded S3 server under a temporary
 * data directory.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class InferenceApiTest
{
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final long MAX_BYTES = 3_000_000;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry)
            throws IOException
    {
        Path dataDir = TestServer.temporaryFolder("api-test");
        TestServer.embedded(registry, dataDir);
        registry.add("cxr.upload.max-bytes", () -> String.valueOf(MAX_BYTES));
        registry.add("cxr.upload.max-pixels", () -> "4000000");
    }

    /** A radiologist's token, made once for the class's server. */
    private static String radiologist;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    Database database;

    @Autowired
    Lake lake;

    @Autowired
    ObjectStore objectStore;

    @Autowired
    @org.springframework.beans.factory.annotation.Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final HttpClient client = HttpClient.newHttpClient();
    private JdbcClient jdbc;
    private LakeTables tables;

    @BeforeEach
    void setUp()
    {
        jdbc = JdbcClient.create(dataSource);
        tables = new LakeTables(database);
        if (radiologist == null) {
            radiologist = TestUsers.bearer(port, "rita", "radiologist");
        }
    }

    static byte[] phantomPng(long seed)
            throws IOException
    {
        Phantom phantom = new PhantomGenerator().generate(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(phantom.toImage(8), "png", out);
        return out.toByteArray();
    }

    private URI uri(String path)
    {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> upload(String fileName, String contentType, byte[] bytes, String... fields)
            throws Exception
    {
        Multipart form = new Multipart().file("image", fileName, contentType, bytes);
        for (int i = 0; i < fields.length; i += 2) {
            form.field(fields[i], fields[i + 1]);
        }
        return form.post(client, uri("/api/v1/inferences"), radiologist);
    }

    private HttpResponse<String> get(String path)
            throws Exception
    {
        return get(path, radiologist);
    }

    private HttpResponse<String> get(String path, String authorization)
            throws Exception
    {
        return client.send(HttpRequest.newBuilder(uri(path)).header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private LakeCounts counts()
    {
        return new LakeRows(database).counts();
    }

    @Test
    void anUploadedRadiographGetsBoxesAndLandsInTheDatabaseAndTheBucket()
            throws Exception
    {
        byte[] png = phantomPng(PhantomGenerator.imageSeed(2024, 3));
        String sha256 = ContentHash.sha256(png);

        HttpResponse<String> response = upload("chest-0003.png", "image/png", png, "confidence", "0.35", "nmsIou", "0.45");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        JsonNode body = JSON.readTree(response.body());
        long id = body.get("inferenceId").asLong();
        assertThat(response.headers().firstValue("Location")).contains("/api/v1/inferences/" + id);
        assertThat(body.get("image").get("sha256").asString()).isEqualTo(sha256);
        assertThat(body.get("image").get("width").asInt()).isPositive();
        assertThat(body.get("model").get("name").asString()).isEqualTo("cxr-demo-phantom");
        assertThat(body.get("thresholds").get("confidence").asDouble()).isEqualTo(0.35);
        assertThat(body.get("thresholds").get("nmsIou").asDouble()).isEqualTo(0.45);
        assertThat(body.get("durationMs").asDouble()).isPositive();
        JsonNode detections = body.get("detections");
        for (JsonNode d : detections) {
            assertThat(d.get("score").asDouble()).isGreaterThanOrEqualTo(0.35);
            assertThat(d.get("className").asString()).isNotBlank();
            assertThat(d.get("box").get("xMax").asDouble()).isGreaterThan(d.get("box").get("xMin").asDouble());
        }

        // the rows and the object
        long imageId = lake.image(sha256).orElseThrow().id();
        assertThat(tables.boxCount(id)).isEqualTo(detections.size());
        assertThat(lake.inference(id).orElseThrow().inference().imageId()).isEqualTo(imageId);
        assertThat(objectStore.exists("images/sha256/" + sha256.substring(0, 2) + "/" + sha256 + ".png")).isTrue();

        // read back through the API
        JsonNode again = JSON.readTree(get("/api/v1/inferences/" + id).body());
        assertThat(again.get("detections")).isEqualTo(detections);
        HttpResponse<byte[]> image = client.send(HttpRequest.newBuilder(uri("/api/v1/images/" + sha256)).header("Authorization", radiologist).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).contains("image/png");
        assertThat(image.body()).isEqualTo(png);
        HttpResponse<byte[]> thumbnail = client.send(HttpRequest.newBuilder(uri("/api/v1/images/" + sha256 + "/thumbnail")).header("Authorization", radiologist).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(ImageIO.read(new java.io.ByteArrayInputStream(thumbnail.body())).getHeight()).isLessThanOrEqualTo(192);
    }

    @Test
    void theSameImageTwiceIsStoredOnceWithTwoInferences()
            throws Exception
    {
        byte[] png = phantomPng(PhantomGenerator.imageSeed(2024, 5));
        String sha256 = ContentHash.sha256(png);

        HttpResponse<String> first = upload("a.png", "image/png", png);
        HttpResponse<String> second = upload("renamed.png", "image/png", png, "confidence", "0.9");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(tables.imagesWithHash(sha256)).isEqualTo(1);
        assertThat(tables.inferencesOfImage(sha256)).isEqualTo(2);
        assertThat(JSON.readTree(second.body()).get("image").get("fileName").asString()).isEqualTo("a.png");
    }

    @Test
    void theCandidatesLetAClientLowerTheThresholdWithoutANewUpload()
            throws Exception
    {
        byte[] png = phantomPng(PhantomGenerator.imageSeed(2024, 7));

        JsonNode body = JSON.readTree(upload("c.png", "image/png", png, "confidence", "0.6", "candidates", "true").body());

        assertThat(body.get("candidates").size()).isGreaterThanOrEqualTo(body.get("detections").size());
        for (JsonNode c : body.get("candidates")) {
            assertThat(c.get("score").asDouble()).isGreaterThanOrEqualTo(0.05);
        }
    }

    @Test
    void badInputGetsAClearJsonErrorAndNothingIsStored()
            throws Exception
    {
        long images = counts().images();
        long inferences = counts().inferences();
        byte[] png = phantomPng(PhantomGenerator.imageSeed(2024, 9));

        assertError(upload("notes.png", "image/png", "just text".getBytes()), 415, "Not a PNG or JPEG image.");
        assertError(upload("cut.png", "image/png", Arrays.copyOf(png, png.length / 3)), 422, "damaged or truncated");
        assertError(upload("x.gif", "image/gif", png), 415, "Only PNG and JPEG");
        assertError(upload("x.jpg", "image/jpeg", png), 415, "sent as image/jpeg but its content is image/png");
        assertError(upload("x.png", "image/png", new byte[0]), 400, "empty");
        byte[] huge = Arrays.copyOf(png, (int) MAX_BYTES + 1);
        assertError(upload("huge.png", "image/png", huge), 413, "at most 3000000");
        assertError(upload("bomb.png", "image/png", pngHeaderClaiming(30_000, 30_000)), 413, "30000 x 30000");
        assertError(upload("x.png", "image/png", png, "confidence", "1.5"), 400, "confidence threshold must be between 0 and 1");
        assertError(upload("x.png", "image/png", png, "nmsIou", "abc"), 400, "nmsIou");
        assertError(new Multipart().field("confidence", "0.5").post(client, uri("/api/v1/inferences"), radiologist), 400, "image");

        assertThat(counts().images()).isEqualTo(images);
        assertThat(counts().inferences()).isEqualTo(inferences);
    }

    @Test
    void anUploadWhoseAuditRowCannotBeWrittenIsNotStoredEither()
            throws Exception
    {
        byte[] png = phantomPng(77);
        long images = counts().images();
        long inferences = counts().inferences();
        // The audit log refuses the upload's row (as a full disk or a broken constraint would): the upload must go with it.
        jdbc.sql("ALTER TABLE audit_event ADD CONSTRAINT test_refuses_uploads CHECK (action <> 'inference.upload') NOT VALID").update();
        try {
            HttpResponse<String> refused = upload("audited.png", "image/png", png);

            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
            assertThat(counts().images()).isEqualTo(images);
            assertThat(counts().inferences()).isEqualTo(inferences);
        }
        finally {
            jdbc.sql("ALTER TABLE audit_event DROP CONSTRAINT test_refuses_uploads").update();
        }
        // The same upload once the audit log takes it again is stored once, not twice.
        HttpResponse<String> stored = upload("audited.png", "image/png", png);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(counts().inferences()).isEqualTo(inferences + 1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_event WHERE action = 'inference.upload' AND target = ?")
                .param("inference/" + JSON.readTree(stored.body()).get("inferenceId").asLong()).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void anUploadsThumbnailIsMadeFromThePixelsTheDetectorReadAndServedWithoutFetchingTheImage()
            throws Exception
    {
        HttpResponse<String> stored = upload("thumb.png", "image/png", phantomPng(78));
        String sha256 = JSON.readTree(stored.body()).get("image").get("sha256").asString();
        HttpRequest thumbnail = HttpRequest.newBuilder(uri("/api/v1/images/" + sha256 + "/thumbnail")).header("Authorization", radiologist).build();

        // Without the object in S3 the image itself is gone, but its thumbnail was made at upload.
        objectStore.delete("images/sha256/" + sha256.substring(0, 2) + "/" + sha256 + ".png");
        HttpResponse<byte[]> first = client.send(thumbnail, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> again = client.send(thumbnail, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(first.statusCode()).isEqualTo(200);
        java.awt.image.BufferedImage small = ImageIO.read(new java.io.ByteArrayInputStream(first.body()));
        JsonNode image = JSON.readTree(stored.body()).get("image");
        assertThat(Math.max(small.getWidth(), small.getHeight())).isEqualTo(192);
        assertThat(small.getWidth() / (double) small.getHeight()).isCloseTo(image.get("width").asDouble() / image.get("height").asDouble(),
                org.assertj.core.api.Assertions.within(0.02));
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(get("/api/v1/images/" + sha256).statusCode()).isEqualTo(404);
    }

    @Test
    void sixteenParallelUploadsAreAllStoredExactlyOnce()
            throws Exception
    {
        List<byte[]> distinct = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            distinct.add(phantomPng(PhantomGenerator.imageSeed(555, i)));
        }
        long inferencesBefore = counts().inferences();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                byte[] bytes = distinct.get(i % 8);
                String name = "parallel-" + i + ".png";
                futures.add(pool.submit((Callable<HttpResponse<String>>) () -> upload(name, "image/png", bytes)));
            }
            Set<Long> ids = new HashSet<>();
            for (Future<HttpResponse<String>> f : futures) {
                HttpResponse<String> response = f.get();
                assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                ids.add(JSON.readTree(response.body()).get("inferenceId").asLong());
            }
            assertThat(ids).hasSize(16);
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(counts().inferences() - inferencesBefore).isEqualTo(16);
        for (byte[] bytes : distinct) {
            String sha256 = ContentHash.sha256(bytes);
            assertThat(tables.imagesWithHash(sha256)).isEqualTo(1);
            assertThat(objectStore.exists("images/sha256/" + sha256.substring(0, 2) + "/" + sha256 + ".png")).isTrue();
        }
    }

    @Test
    void inferencesAreListedNewestFirstWithPagingAndFilters()
            throws Exception
    {
        for (int i = 0; i < 3; i++) {
            assertThat(upload("list-" + i + ".png", "image/png", phantomPng(PhantomGenerator.imageSeed(777, i))).statusCode()).isEqualTo(201);
        }

        JsonNode first = JSON.readTree(get("/api/v1/inferences?limit=2").body());
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.get("items").get(0).get("image").get("fileName").asString()).isEqualTo("list-2.png");
        String next = first.get("next").asString();
        JsonNode second = JSON.readTree(get("/api/v1/inferences?limit=2&after=" + next).body());
        assertThat(second.get("items").get(0).get("image").get("fileName").asString()).isEqualTo("list-0.png");

        JsonNode strict = JSON.readTree(get("/api/v1/inferences?limit=200&classId=4&minScore=0.99999").body());
        JsonNode all = JSON.readTree(get("/api/v1/inferences?limit=200&from=2000-01-01T00:00:00Z").body());
        assertThat(strict.get("items").size()).isLessThanOrEqualTo(all.get("items").size());
        assertThat(JSON.readTree(get("/api/v1/inferences?limit=200&to=2000-01-01T00:00:00Z").body()).get("items")).isEmpty();

        assertError(get("/api/v1/inferences?limit=0"), 400, "limit");
        assertError(get("/api/v1/inferences?from=yesterday"), 400, "ISO-8601");
        assertError(get("/api/v1/inferences?after=garbage"), 400, "cursor");
        assertError(get("/api/v1/inferences/999999999"), 404, "No inference");
        assertError(get("/api/v1/images/" + "0".repeat(64)), 404, "No image");
        assertError(get("/api/v1/images/..etc..passwd"), 400, "SHA-256");
        // Encoded slashes are refused by the servlet container itself, before any application code.
        assertThat(get("/api/v1/images/..%2F..%2Fetc%2Fpasswd").statusCode()).isEqualTo(400);
    }

    @Test
    void healthReportsModelDatabaseAndStoreAndMetricsAreExposed()
            throws Exception
    {
        upload("m.png", "image/png", phantomPng(PhantomGenerator.imageSeed(888, 1)));
        upload("m.txt", "image/png", "nope".getBytes());

        // Health is public: load balancers and orchestrators probe it without credentials.
        JsonNode health = JSON.readTree(client.send(HttpRequest.newBuilder(uri("/actuator/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(health.get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("model").get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("database").get("status").asString()).isEqualTo("UP");
        assertThat(health.get("components").get("objectStore").get("status").asString()).isEqualTo("UP");
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        assertThat(get("/actuator/prometheus").statusCode()).as("metrics are for operators").isEqualTo(403);
        String metrics = get("/actuator/prometheus", TestUsers.adminBasic()).body();
        assertThat(metrics).contains("cxr_inference_duration_seconds_bucket", "cxr_uploads_total", "cxr_upload_errors_total{kind=\"image_unsupported_format\"}");
    }

    @Test
    void everyApiEndpointIsInTheOpenApiDocument()
            throws Exception
    {
        HttpResponse<String> document = get("/api/v1/openapi.yaml");
        assertThat(document.statusCode()).isEqualTo(200);
        Map<String, Object> openApi = new org.yaml.snakeyaml.Yaml().load(document.body());
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) openApi.get("paths");

        List<String> missing = new ArrayList<>();
        mappings.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/api/")) {
                    continue;
                }
                for (var verb : info.getMethodsCondition().getMethods()) {
                    Map<String, Object> operations = paths.get(pattern);
                    if (operations == null || !operations.containsKey(verb.name().toLowerCase(java.util.Locale.ROOT))) {
                        missing.add(verb + " " + pattern);
                    }
                }
            }
        });
        assertThat(missing).isEmpty();
        assertThat(paths).containsKeys("/api/v1/inferences", "/api/v1/inferences/{id}", "/api/v1/images/{sha256}", "/api/v1/model");
    }

    @Test
    void thePageIsServed()
            throws Exception
    {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Drop a chest X-ray here", "/js/app.js");
        assertThat(get("/js/app.js").statusCode()).isEqualTo(200);
        JsonNode model = JSON.readTree(get("/api/v1/model").body());
        assertThat(model.get("classes")).hasSize(5);
        assertThat(model.get("defaults").get("confidence").asDouble()).isEqualTo(0.3);
    }

    @Test
    void logsCarryNeitherImageBytesNorSecrets(CapturedOutput output)
            throws Exception
    {
        byte[] png = phantomPng(PhantomGenerator.imageSeed(999, 1));
        upload("secret-patient-name.png", "image/png", png);
        upload("broken.png", "image/png", Arrays.copyOf(png, 100));

        assertThat(output.getAll()).doesNotContain(EmbeddedS3.SECRET_KEY).doesNotContain(TestUsers.ADMIN_PASSWORD).doesNotContain(radiologist.substring(7)).doesNotContain("IHDR").doesNotContain("secret-patient-name");
    }

    private static void assertError(HttpResponse<String> response, int status, String message)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("message").asString()).contains(message);
        assertThat(body.get("status").asInt()).isEqualTo(status);
    }

    private static byte[] pngHeaderClaiming(int width, int height)
    {
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(17);
        chunk.put("IHDR".getBytes()).putInt(width).putInt(height).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(chunk.array());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(13).array());
        out.writeBytes(chunk.array());
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        return out.toByteArray();
    }

}
