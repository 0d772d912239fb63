package org.cxr.app.resilience;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.resilience.Api.NameEncoding;
import org.cxr.app.resilience.HostileFiles.Sample;
import org.cxr.app.server.CxrApplication;
import org.cxr.imaging.ImageDecoder;
import org.cxr.imaging.ImageFormat;
import org.cxr.imaging.ImageRejectedException;
import org.cxr.lake.ContentHash;
import org.cxr.lake.Lake;
import org.cxr.lake.LakeRows;
import org.cxr.lake.LakeTables;
import org.cxr.lake.sql.Database;
import org.cxr.lake.store.ObjectListing;
import org.cxr.lake.store.ObjectStore;
import org.cxr.lake.store.StoredObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5: hostile input. More than a thousand generated files (truncated, bit-flipped, forged headers, disguised
 * non-images, polyglots, decompression bombs), file names shaped like SQL injection and path traversal, and
 * thresholds that are not plain numbers. Every answer is a 4xx with a JSON message, or a 201 for a file that really
 * decodes (then fully stored); never a 5xx or a hang. Afterwards the server is healthy, its heap is bounded, and the
 * lake holds exactly the accepted images, each with its object, under content-addressed keys only.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileUploadTest
{
    private static final long SEED = 20_260_505L;
    private static final long MAX_BYTES = 3_000_000;
    private static final long MAX_PIXELS = 4_000_000;
    private static final long MAX_HEAP_AFTER_GC = 400L << 20;
    private static final Pattern CONTENT_KEY = Pattern.compile("images/sha256/([0-9a-f]{2})/\\1[0-9a-f]{62}\\.(png|jpg)");

    /** Part of every file name that tries to escape, so a file written anywhere by mistake can be found. */
    private static final String MARKER = "cxr-escape-" + UUID.randomUUID().toString().substring(0, 8);

    private static Path root;
    private static Path dataDir;

    /** What the API accepted over the whole class: the images (by hash) and the inferences with their box counts. */
    private static final Set<String> acceptedImages = ConcurrentHashMap.newKeySet();
    private static final Map<Long, Integer> acceptedInferences = new ConcurrentHashMap<>();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
            throws IOException
    {
        // The data directory is the only entry of a fresh folder, so anything written beside it shows.
        root = TestServer.temporaryFolder("hostile");
        dataDir = Files.createDirectory(root.resolve("data"));
        TestServer.embedded(registry, dataDir);
        registry.add("cxr.model.threads", () -> "1");
        registry.add("cxr.upload.max-bytes", () -> String.valueOf(MAX_BYTES));
        registry.add("cxr.upload.max-pixels", () -> String.valueOf(MAX_PIXELS));
    }

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

    private static String radiologist;
    private Api api;
    private JdbcClient jdbc;
    private LakeTables lakeTables;

    @BeforeEach
    void setUp()
    {
        if (radiologist == null) {
            radiologist = TestUsers.bearer(port, "rita", "radiologist");
        }
        api = new Api(port, Api.REQUEST_TIMEOUT, radiologist);
        jdbc = JdbcClient.create(dataSource);
        lakeTables = new LakeTables(database);
    }

    @Test
    @Order(1)
    void everyHostileFileIsRefusedWithAJsonMessageOrIsARealImageAndStored()
            throws Exception
    {
        List<Sample> samples = HostileFiles.generate(SEED);
        assertThat(samples).hasSizeGreaterThanOrEqualTo(1000);
        ImageDecoder oracle = new ImageDecoder(MAX_PIXELS);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<String, int[]> tally = new ConcurrentHashMap<>();

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Sample sample : samples) {
                futures.add(pool.submit(() -> {
                    boolean image = decodes(oracle, sample);
                    HttpResponse<String> response;
                    try {
                        response = api.upload(sample.fileName(), sample.contentType(), sample.bytes());
                    }
                    catch (HttpTimeoutException e) {
                        problems.add("no answer within " + Api.REQUEST_TIMEOUT + ": " + sample);
                        return null;
                    }
                    int status = response.statusCode();
                    tally.computeIfAbsent(sample.category() + " " + status, k -> new int[1])[0]++;
                    if (status == 201) {
                        if (!image) {
                            problems.add("stored although it does not decode: " + sample);
                        }
                        accept(response, sample.bytes(), problems, sample.toString());
                    }
                    else if (status >= 400 && status < 500) {
                        if (image) {
                            problems.add("refused a decodable image: " + sample + " -> " + status + " " + response.body());
                        }
                        String problem = Api.errorProblem(response);
                        if (problem != null) {
                            problems.add(status + " without a proper JSON error (" + problem + "): " + sample + " -> " + response.body());
                        }
                    }
                    else {
                        problems.add(status + ": " + sample + " -> " + response.body());
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(5, TimeUnit.MINUTES);
            }
        }
        finally {
            pool.shutdownNow();
        }

        System.out.println("Hostile uploads (" + samples.size() + "), category and status: " + new TreeMap<>(Map.copyOf(tally)).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()[0]).toList());
        assertThat(problems).as("%d problems, first ones: %s", problems.size(), problems.stream().limit(20).toList()).isEmpty();
        assertThat(tally.keySet()).as("some damaged files still decode and are stored").anyMatch(k -> k.endsWith(" 201"));
        assertThat(tally.get("bomb 413")).as("the decompression bombs are refused by their header").isNotNull();
    }

    /** Names a client chooses: stored as data, never a path, a key or SQL. */
    @Test
    @Order(2)
    void fileNamesShapedLikeInjectionOrTraversalAreStoredVerbatimAsData()
            throws Exception
    {
        List<String> names = List.of(
                "x'); DROP TABLE image;--.png",
                "\" OR 1=1 --",
                "' OR '1'='1.png",
                "Robert'); DROP TABLE inference; DROP TABLE predicted_box;--.png",
                "1; DELETE FROM image WHERE 1=1; --.png",
                "../../../../etc/passwd.png",
                "../../../../../../../../../../tmp/" + MARKER + "-dotdot.png",
                "../" + MARKER + "-parent.png",
                "s3/cxr-images/../../../" + MARKER + "-s3.png",
                "..\\..\\windows\\win.ini.png",
                "..\\..\\..\\..\\tmp\\" + MARKER + "-backslash.png",
                "/tmp/" + MARKER + "-absolute.png",
                "/etc/passwd",
                "C:\\Windows\\System32\\" + MARKER + "-drive.png",
                "\\\\server\\share\\" + MARKER + "-unc.png",
                "file:///tmp/" + MARKER + "-url.png",
                "%2e%2e%2f%2e%2e%2f" + MARKER + "-encoded.png",
                "~/" + MARKER + "-home.png",
                "images/sha256/00/" + "0".repeat(64) + ".png",
                "<img src=x onerror=alert(1)>.png",
                "${jndi:ldap://127.0.0.1:1/a}.png",
                "{{7*7}}#{7*7}.png",
                "胸部X線-ñ-€-🩻.png",
                "\u202Egnp.exe",
                "zero\u200Bwidth\uFEFF.png",
                "e\u0301\u0301\u0301.png",
                "CON.png",
                ".png",
                "....png",
                "x".repeat(1020) + ".png");
        List<String> extendedOnly = List.of(
                "x'); DROP TABLE image;-- \u00fc\u0000.png");
        // No name, or one with control characters, is refused in every encoding (UploadPixelsAndRefusalsTest says why).
        List<String> refused = List.of(
                "   ",
                "",
                "line\r\nbreak.png",
                "tab\tand\u0007bell.png",
                "nul\u0000byte.png",
                "../../../../tmp/" + MARKER + "-nul.png\u0000.jpg",
                "y".repeat(5000) + ".png");

        long seed = 1;
        Map<Long, String> expected = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            for (NameEncoding encoding : List.of(NameEncoding.QUOTED, NameEncoding.EXTENDED)) {
                byte[] png = HostileFiles.smallPng(seed++);
                HttpResponse<String> response = api.upload(name, encoding, "image/png", png);
                if (response.statusCode() != 201) {
                    problems.add(encoding + " " + printable(name) + " -> " + response.statusCode() + " " + response.body());
                    continue;
                }
                long id = accept(response, png, problems, printable(name));
                expected.put(id, name);
            }
        }
        for (String name : extendedOnly) {
            byte[] png = HostileFiles.smallPng(seed++);
            HttpResponse<String> response = api.upload(name, NameEncoding.EXTENDED, "image/png", png);
            if (name.indexOf('\0') >= 0) {
                checkRefused(response, printable(name), problems);
                continue;
            }
            if (response.statusCode() != 201) {
                problems.add("EXTENDED " + printable(name) + " -> " + response.statusCode() + " " + response.body());
                continue;
            }
            expected.put(accept(response, png, problems, printable(name)), name);
        }
        for (String name : refused) {
            for (NameEncoding encoding : NameEncoding.values()) {
                checkRefused(api.upload(name, encoding, "image/png", HostileFiles.smallPng(seed++)), encoding + " " + printable(name), problems);
            }
        }
        // Raw names (quotes and backslashes unescaped) are ambiguous by nature: whatever the server reads is stored as is.
        for (String name : names) {
            byte[] png = HostileFiles.smallPng(seed++);
            HttpResponse<String> response = api.upload(name, NameEncoding.RAW, "image/png", png);
            if (response.statusCode() == 201) {
                accept(response, png, problems, "RAW " + printable(name));
            }
            else {
                checkRefused(response, "RAW " + printable(name), problems);
            }
        }
        assertThat(problems).isEmpty();

        for (Map.Entry<Long, String> e : expected.entrySet()) {
            HttpResponse<String> back = api.get("/api/v1/inferences/" + e.getKey());
            assertThat(back.statusCode()).isEqualTo(200);
            JsonNode image = Api.json(back).get("image");
            assertThat(image.get("fileName").asString()).as("inference %d", e.getKey()).isEqualTo(e.getValue());
            String key = lake.image(image.get("sha256").asString()).orElseThrow().objectKey();
            assertThat(key).isEqualTo("images/sha256/" + image.get("sha256").asString().substring(0, 2) + "/" + image.get("sha256").asString() + ".png");
        }
        assertTablesIntact();
        assertNothingEscapedTheDataDirectory();
    }

    @Test
    @Order(3)
    void thresholdsAndFiltersThatAreNotPlainNumbersAreRefused()
            throws Exception
    {
        byte[] png = HostileFiles.smallPng(-1);
        List<String> problems = new ArrayList<>();
        for (String value : List.of("1e309", "-1e309", "NaN", "-NaN", "Infinity", "-Infinity", "-0", "-0.0", "0x1p3", "0x1p-3", "0X0.8P0",
                "0.5d", "0.5f", "0.5D", "1.5", "-0.1", "2", "+0.5", "0,5", "½", "٠٫٥", "0.5' OR '1'='1", "1;DROP TABLE image",
                "0.5\u0000", "1e", "e1", ".", "0x", "9".repeat(400))) {
            for (String field : List.of("confidence", "nmsIou")) {
                checkRefused(api.upload("t.png", "image/png", png, field, value), field + "=" + printable(value), problems);
            }
        }
        checkRefused(api.upload("t.png", "image/png", png, "nmsIou", "0"), "nmsIou=0", problems);
        checkRefused(api.upload("t.png", "image/png", png, "candidates", "maybe"), "candidates=maybe", problems);
        assertThat(problems).isEmpty();

        // Plain decimal numbers in range still work, including the bounds and an exponent.
        for (String[] ok : new String[][] {{"0", "1"}, {"1", "0.5"}, {"0.35", "1e-1"}, {".5", "0.45"}, {"1.0", "1.00"}}) {
            HttpResponse<String> response = api.upload("t.png", "image/png", png, "confidence", ok[0], "nmsIou", ok[1]);
            assertThat(response.statusCode()).as(ok[0] + " " + ok[1] + " " + response.body()).isEqualTo(201);
            JsonNode thresholds = Api.json(response).get("thresholds");
            assertThat(thresholds.get("confidence").asDouble()).isEqualTo(Double.parseDouble(ok[0]));
            assertThat(thresholds.get("nmsIou").asDouble()).isEqualTo(Double.parseDouble(ok[1]));
            accept(response, png, problems, "thresholds " + ok[0] + " " + ok[1]);
        }

        // Listings and reads: no parameter reaches SQL as text, and none gives a 5xx.
        for (String query : List.of(
                "/api/v1/inferences?minScore=NaN", "/api/v1/inferences?minScore=1e309", "/api/v1/inferences?minScore=" + Api.query("0 OR 1=1"),
                "/api/v1/inferences?classId=" + Api.query("1 OR 1=1"), "/api/v1/inferences?classId=99999999999", "/api/v1/inferences?limit=1e3",
                "/api/v1/inferences?limit=-1", "/api/v1/inferences?limit=2147483648",
                "/api/v1/inferences?after=" + Api.query("' OR '1'='1"), "/api/v1/inferences?after=" + Api.query("2026-01-01T00:00:00Z_1 OR 1=1"),
                "/api/v1/inferences?from=" + Api.query("2024-01-01T00:00:00Z'; DROP TABLE image;--"),
                "/api/v1/inferences/" + Api.query("1 OR 1=1"), "/api/v1/inferences/99999999999999999999",
                "/api/v1/images/" + Api.query("' OR '1'='1"), "/api/v1/images/" + "A".repeat(64))) {
            checkRefused(api.get(query), query, problems);
        }
        for (String query : List.of(
                "/api/v1/inferences?from=" + Api.query("+1000000000-01-01T00:00:00Z"),
                "/api/v1/inferences?to=" + Api.query("-1000000000-01-01T00:00:00Z"),
                "/api/v1/inferences?from=" + Api.query("+294277-01-01T00:00:00Z"),
                "/api/v1/inferences?to=" + Api.query("-4714-01-01T00:00:00Z"),
                "/api/v1/inferences?after=" + Api.query("+1000000000-12-31T23:59:59.999999999Z_1"),
                "/api/v1/inferences?after=" + Api.query("-1000000000-01-01T00:00:00Z_-9223372036854775808"),
                "/api/v1/inferences?classId=-5", "/api/v1/inferences?minScore=-0", "/api/v1/inferences/-1")) {
            HttpResponse<String> response = api.get(query);
            if (response.statusCode() != 200) {
                checkRefused(response, query, problems);
            }
        }
        assertThat(problems).isEmpty();
        assertTablesIntact();
    }

    @Test
    @Order(4)
    void malformedRequestsGetAJsonErrorToo()
            throws Exception
    {
        byte[] png = HostileFiles.smallPng(-2);
        String boundary = "b0undary";
        byte[] part = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"m.png\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        StringBuilder manyFields = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            manyFields.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"f").append(i).append("\"\r\n\r\nx\r\n");
        }
        String unnamed = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nnot a file\r\n--" + boundary + "--\r\n";
        Map<String, HttpResponse<String>> responses = new java.util.LinkedHashMap<>();
        responses.put("no boundary", api.post("/api/v1/inferences", "multipart/form-data", HostileFiles.concat(part, png, end)));
        responses.put("another boundary", api.post("/api/v1/inferences", "multipart/form-data; boundary=other", HostileFiles.concat(part, png, end)));
        responses.put("no closing boundary", api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary, HostileFiles.concat(part, png)));
        responses.put("cut in the part headers", api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary, Arrays.copyOf(part, 40)));
        responses.put("garbage", api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary, HostileFiles.smallPng(-3)));
        responses.put("200 parts", api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary,
                HostileFiles.concat(manyFields.toString().getBytes(StandardCharsets.UTF_8), part, png, end)));
        responses.put("image as a plain field", api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary, unnamed.getBytes(StandardCharsets.UTF_8)));
        responses.put("JSON", api.post("/api/v1/inferences", "application/json", "{\"image\": \"iVBORw0KGgo=\"}".getBytes(StandardCharsets.UTF_8)));
        responses.put("raw PNG", api.post("/api/v1/inferences", "image/png", png));
        List<String> problems = new ArrayList<>();
        responses.forEach((what, response) -> checkRefused(response, what, problems));
        // A request head beyond Tomcat's limit (8 KB) is refused by the container before any application code, with its
        // own HTML page, as are encoded slashes in paths: a 400 all the same.
        assertThat(api.post("/api/v1/inferences", "multipart/form-data; boundary=" + "b".repeat(100_000), png).statusCode()).isEqualTo(400);

        // Two image parts: the first is the upload, or the request is refused; never a 5xx.
        HttpResponse<String> twice = api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary,
                HostileFiles.concat(part, png, ("\r\n").getBytes(StandardCharsets.UTF_8), part, HostileFiles.smallPng(-4), end));
        if (twice.statusCode() == 201) {
            accept(twice, png, problems, "two image parts");
        }
        else {
            checkRefused(twice, "two image parts", problems);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    @Order(5)
    void afterwardsTheServerIsHealthyItsHeapBoundedAndTheLakeHoldsExactlyWhatWasAccepted()
            throws Exception
    {
        HttpResponse<String> health = api.get("/actuator/health");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(Api.json(health).get("status").asString()).isEqualTo("UP");

        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("Heap used after GC: %d MB%n", used >> 20);
        assertThat(used).as("heap used after GC").isLessThan(MAX_HEAP_AFTER_GC);

        assertThat(acceptedImages).isNotEmpty();
        Map<String, String> keys = new TreeMap<>();
        for (Map<String, Object> row : lakeTables.rows("image")) {
            keys.put((String) row.get("sha256"), (String) row.get("object_key"));
        }
        assertThat(keys.keySet()).as("one image row per accepted distinct file").isEqualTo(new java.util.TreeSet<>(acceptedImages));
        for (Map.Entry<String, String> e : keys.entrySet()) {
            assertThat(e.getValue()).matches(CONTENT_KEY).contains(e.getKey());
            Optional<byte[]> bytes = objectStore.get(e.getValue());
            assertThat(bytes).as("object of %s", e.getKey()).isPresent();
            assertThat(ContentHash.sha256(bytes.get())).isEqualTo(e.getKey());
            // and through the API: the bytes as sent, and a thumbnail (a second decode of what was accepted)
            HttpResponse<byte[]> served = api.getBytes("/api/v1/images/" + e.getKey());
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(bytes.get());
            HttpResponse<byte[]> thumbnail = api.getBytes("/api/v1/images/" + e.getKey() + "/thumbnail");
            assertThat(thumbnail.statusCode()).as("thumbnail of %s", e.getKey()).isEqualTo(200);
        }
        Set<String> objects = new HashSet<>();
        Optional<String> token = Optional.empty();
        do {
            ObjectListing page = objectStore.list("", token, ObjectStore.MAX_KEYS_PER_PAGE);
            page.objects().stream().map(StoredObject::key).forEach(objects::add);
            token = page.nextToken();
        }
        while (token.isPresent());
        assertThat(objects).as("the bucket holds the images' objects and nothing else").isEqualTo(new HashSet<>(keys.values()));

        assertThat(lakeTables.orphanInferences()).isZero();
        assertThat(new LakeRows(database).counts().inferences()).isEqualTo(acceptedInferences.size());
        assertThat(lakeTables.boxCounts()).isEqualTo(new TreeMap<>(acceptedInferences));
        assertTablesIntact();
        assertNothingEscapedTheDataDirectory();
    }

    // --- helpers -------------------------------------------------------------------------------------------------------

    /** What the server should do with the file: decode it (then 201) or refuse it. */
    private static boolean decodes(ImageDecoder decoder, Sample sample)
    {
        byte[] bytes = sample.bytes();
        if (bytes.length == 0 || bytes.length > MAX_BYTES) {
            return false;
        }
        String format = ImageFormat.of(bytes).map(ImageFormat::readerName).orElse(null);
        String declared = sample.contentType() == null || sample.contentType().equals("application/octet-stream") ? format
                : switch (sample.contentType()) {
                    case "image/png" -> "png";
                    case "image/jpeg", "image/jpg" -> "jpeg";
                    default -> "other";
                };
        if (format == null || !format.equals(declared)) {
            return false;
        }
        try {
            decoder.decode(bytes);
            return true;
        }
        catch (ImageRejectedException e) {
            return false;
        }
    }

    /** Checks a 201 and records what it stored; returns the inference id. */
    private static long accept(HttpResponse<String> response, byte[] bytes, List<String> problems, String what)
    {
        JsonNode body = Api.json(response);
        String sha256 = body.get("image").get("sha256").asString();
        if (!sha256.equals(ContentHash.sha256(bytes))) {
            problems.add("stored under another hash: " + what);
        }
        long id = body.get("inferenceId").asLong();
        acceptedImages.add(sha256);
        acceptedInferences.put(id, body.get("detections").size());
        return id;
    }

    private static void checkRefused(HttpResponse<String> response, String what, List<String> problems)
    {
        int status = response.statusCode();
        if (status < 400 || status >= 500) {
            problems.add(what + " -> " + status + " " + response.body());
            if (status == 201) {
                acceptedImages.add(Api.json(response).get("image").get("sha256").asString());
                acceptedInferences.put(Api.json(response).get("inferenceId").asLong(), Api.json(response).get("detections").size());
            }
            return;
        }
        String problem = Api.errorProblem(response);
        if (problem != null) {
            problems.add(what + " -> " + status + " without a proper JSON error (" + problem + "): " + response.body());
        }
    }

    private void assertTablesIntact()
    {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").query(String.class).list();
        assertThat(tables).contains("image", "inference", "predicted_box");
        assertThat(new LakeRows(database).counts().images()).isEqualTo(acceptedImages.size());
    }

    /**
     * The data directory is the only entry of its parent, and no file carrying the marker of the escaping names exists
     * in the temporary folder, the working directory or the usual targets of a traversal.
     */
    private static void assertNothingEscapedTheDataDirectory()
            throws IOException
    {
        try (Stream<Path> entries = Files.list(root)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("data");
        }
        List<Path> found = new ArrayList<>();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (Path deep : List.of(tmp, Path.of("").toAbsolutePath(), root)) {
            Files.walkFileTree(deep, new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                {
                    if (file.getFileName().toString().contains(MARKER)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                {
                    if (dir.getFileName() != null && dir.getFileName().toString().contains(MARKER)) {
                        found.add(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e)
                {
                    return FileVisitResult.CONTINUE; // another process's file, gone or unreadable
                }
            });
        }
        for (Path shallow : List.of(Path.of("/"), Path.of("/etc"), Path.of(System.getProperty("user.home")), Path.of("").toAbsolutePath().getParent())) {
            try (Stream<Path> entries = Files.list(shallow)) {
                entries.filter(p -> p.getFileName().toString().contains(MARKER)).forEach(found::add);
            }
        }
        assertThat(found).as("files named after an upload").isEmpty();
    }

    private static String printable(String s)
    {
        String shown = s.length() > 80 ? s.substring(0, 40) + "...(" + s.length() + " chars)" : s;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? "\\u%04x".formatted(c) : Character.toString(c)));
        return "'" + out + "'";
    }
}
