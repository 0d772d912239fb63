package org.cxr.app.resilience;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.resilience.Api.NameEncoding;
import org.cxr.app.server.CxrApplication;
import org.cxr.imaging.Box;
import org.cxr.imaging.ImageBytes;
import org.cxr.imaging.Orientation;
import org.cxr.imaging.TestFiles;
import org.cxr.imaging.TestImages;
import org.cxr.lake.LakeCounts;
import org.cxr.lake.LakeRows;
import org.cxr.lake.sql.Database;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 through the API: radiographs that are unusual but real (stored on their side with an EXIF orientation, CMYK,
 * 12-bit data in a 16-bit PNG) get the findings of the plain image in the upright frame, and what cannot be read or
 * is not one well-named file is refused with its true reason, in the one problem shape, and audited.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UploadPixelsAndRefusalsTest
{
    private static final double MIN_IOU = 0.5;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
    {
        Path dataDir = TestServer.temporaryFolder("pixels");
        TestServer.embedded(registry, dataDir);
        // A body that stops arriving is given up on after this long (Tomcat's default is 20 s).
        registry.add("server.tomcat.connection-timeout", () -> "2s");
    }

    @LocalServerPort
    int port;

    @Autowired
    Database database;

    private LakeRows rows;

    private static String radiologist;
    private Api api;

    @BeforeEach
    void setUp()
    {
        if (radiologist == null) {
            radiologist = TestUsers.bearer(port, "ruth", "radiologist");
        }
        api = new Api(port, Api.REQUEST_TIMEOUT, radiologist);
        rows = new LakeRows(database);
    }

    @Test
    @Order(1)
    void aRadiographStoredOnItsSideIsDetectedUprightWithItsBoxesSizeAndThumbnailUpright()
            throws Exception
    {
        BufferedImage phantom = phantom();
        JsonNode plain = created(api.upload("plain.png", "image/png", TestFiles.fixture("images/phantom-26.png")));
        // Stored 672 x 649 with orientation 6, as a phone or some exporters write it; the bytes stay as they were sent.
        byte[] sideways = ImageBytes.insertJpegSegment(
                ImageBytes.storedJpeg(grey(phantom), phantom.getWidth(), phantom.getHeight(), Orientation.ROTATE_90_CLOCKWISE), 0xe1,
                ImageBytes.exifOrientation(Orientation.ROTATE_90_CLOCKWISE.exifValue(), false));

        JsonNode turned = created(api.upload("sideways.jpg", "image/jpeg", sideways));

        assertThat(turned.get("image").get("width").asInt()).isEqualTo(phantom.getWidth());
        assertThat(turned.get("image").get("height").asInt()).isEqualTo(phantom.getHeight());
        assertSameFindings(plain, turned);
        BufferedImage plainThumbnail = thumbnail(plain);
        BufferedImage turnedThumbnail = thumbnail(turned);
        assertThat(turnedThumbnail.getWidth()).isEqualTo(plainThumbnail.getWidth());
        assertThat(turnedThumbnail.getHeight()).isEqualTo(plainThumbnail.getHeight());
        assertThat(meanDifference(plainThumbnail, turnedThumbnail)).isLessThan(6);
        HttpResponse<byte[]> original = api.getBytes("/api/v1/images/" + turned.get("image").get("sha256").asString());
        assertThat(original.body()).isEqualTo(sideways);
    }

    @Test
    @Order(2)
    void aCmykJpegAndTwelveBitDataInASixteenBitPngGetThePlainFindings()
            throws Exception
    {
        JsonNode plain = created(api.upload("plain-again.png", "image/png", TestFiles.fixture("images/phantom-26.png")));
        BufferedImage phantom = phantom();
        BufferedImage twelveBit = new BufferedImage(phantom.getWidth(), phantom.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < phantom.getHeight(); y++) {
            for (int x = 0; x < phantom.getWidth(); x++) {
                twelveBit.getRaster().setSample(x, y, 0, Math.round(phantom.getRaster().getSample(x, y, 0) * 4095f / 255f));
            }
        }

        assertSameFindings(plain, created(api.upload("cmyk.jpg", "image/jpeg", TestFiles.fixture("images/phantom-26-cmyk.jpg"))));
        assertSameFindings(plain, created(api.upload("twelve-bit.png", "image/png", ImageBytes.withSbit(TestImages.png(twelveBit), 12))));
    }

    @Test
    @Order(3)
    void whatCannotBeReadIsRefusedWithItsTrueReason()
            throws Exception
    {
        LakeCounts before = rows.counts();
        byte[] png = TestFiles.fixture("images/phantom-26.png");

        assertProblem(api.upload("twelve.jpg", "image/jpeg", TestFiles.fixture("images/gradient-extended-12.jpg")), 415, "unsupported_encoding", "12-bit JPEG");
        assertProblem(api.upload("arith.jpg", "image/jpeg", TestFiles.fixture("images/gradient-arithmetic.jpg")), 415, "unsupported_encoding", "Arithmetic-coded");
        assertProblem(api.upload("cut.png", "image/png", Arrays.copyOf(png, png.length / 2)), 422, "image_corrupt", "damaged");

        assertThat(rows.counts()).isEqualTo(before);
    }

    @Test
    @Order(4)
    void anUploadThatIsNotOneWellNamedFileIsRefusedSayingSo()
            throws Exception
    {
        LakeCounts before = rows.counts();
        byte[] png = HostileFiles.smallPng(11);

        assertProblem(twoFiles(png, HostileFiles.smallPng(12)), 400, "too_many_files", "2 files");
        assertProblem(api.upload("line\r\nbreak.png", NameEncoding.RAW, "image/png", png), 400, "bad_file_name", "line break");
        assertProblem(api.upload("line\r\nbreak.png", NameEncoding.EXTENDED, "image/png", png), 400, "bad_file_name", "U+000D");
        assertProblem(api.upload("tab\there.png", NameEncoding.QUOTED, "image/png", png), 400, "bad_file_name", "U+0009");
        for (NameEncoding encoding : NameEncoding.values()) {
            assertProblem(api.upload("nul\u0000byte.png", encoding, "image/png", png), 400, "bad_file_name", "NUL");
        }
        assertProblem(api.upload("", NameEncoding.QUOTED, "image/png", png), 400, "missing_file_name", "no name");
        assertProblem(api.upload("   ", NameEncoding.QUOTED, "image/png", png), 400, "missing_file_name", "no name");
        String boundary = "b0undary";
        assertProblem(api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary,
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nnot a file\r\n--" + boundary + "--\r\n")
                        .getBytes(StandardCharsets.UTF_8)), 400, "missing_file_name", "has no file name");

        assertThat(rows.counts()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void anUploadWhoseBodyStopsArrivingGetsA408InTheSameProblemShape()
            throws Exception
    {
        String boundary = "stall";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"slow.png\"\r\nContent-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/inferences HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + radiologist
                    + "\r\nContent-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(HostileFiles.smallPng(13), 0, 40);
            out.flush();

            String response = new String(readAll(socket.getInputStream()), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 408");
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            JsonNode body = Api.JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4).transform(UploadPixelsAndRefusalsTest::unchunked));
            assertThat(body.get("status").asInt()).isEqualTo(408);
            assertThat(body.get("error").asString()).isEqualTo("request_timeout");
            assertThat(body.get("message").asString()).contains("stopped arriving");
        }
    }

    @Test
    @Order(6)
    void everyRefusedUploadIsAnAuditRowSayingWhoWhyAndHowLarge()
            throws Exception
    {
        List<JsonNode> refused = new ArrayList<>();
        Api.json(new Api(port, Api.REQUEST_TIMEOUT, TestUsers.adminBasic()).get("/api/v1/audit?action=inference.upload&actor=ruth&limit=200"))
                .get("items").forEach(event -> {
                    if (event.get("outcome").asString().equals("FAILURE")) {
                        refused.add(event);
                    }
                });
        List<String> details = refused.stream().map(event -> event.get("detail").asString()).toList();

        // Every refusal of orders 3 to 5: three unreadable files, ten requests that are not one named file, the stall.
        assertThat(details).hasSize(3 + 10 + 1);
        assertThat(details).anyMatch(d -> d.startsWith("refused 415 unsupported_encoding: 12-bit JPEG") && d.matches(".*; \\d+ bytes"));
        assertThat(details).anyMatch(d -> d.startsWith("refused 422 image_corrupt"));
        assertThat(details).filteredOn(d -> d.startsWith("refused 400 bad_file_name")).hasSize(6);
        assertThat(details).filteredOn(d -> d.startsWith("refused 400 missing_file_name")).hasSize(3);
        assertThat(details).anyMatch(d -> d.startsWith("refused 400 too_many_files"));
        assertThat(details).anyMatch(d -> d.startsWith("refused 408") && d.endsWith("; 100000 bytes"));
        assertThat(refused).allMatch(event -> event.get("actor").asString().equals("ruth"));
    }

    private HttpResponse<String> twoFiles(byte[] first, byte[] second)
            throws Exception
    {
        String boundary = "two";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] png : List.of(first, second)) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.writeBytes(png);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return api.post("/api/v1/inferences", "multipart/form-data; boundary=" + boundary, body.toByteArray());
    }

    private static JsonNode created(HttpResponse<String> response)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return Api.json(response);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String error, String inMessage)
    {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(Api.errorProblem(response)).as(response.body()).isNull();
        JsonNode body = Api.json(response);
        assertThat(body.get("error").asString()).as(response.body()).isEqualTo(error);
        assertThat(body.get("message").asString()).contains(inMessage);
    }

    /** Same classes, and each box of one at IoU >= 0.5 with a box of the same class of the other. */
    private static void assertSameFindings(JsonNode expected, JsonNode actual)
    {
        List<JsonNode> want = new ArrayList<>();
        expected.get("detections").forEach(want::add);
        List<JsonNode> got = new ArrayList<>();
        actual.get("detections").forEach(got::add);
        assertThat(want).isNotEmpty();
        assertThat(got).extracting(d -> d.get("className").asString())
                .containsExactlyInAnyOrderElementsOf(want.stream().map(d -> d.get("className").asString()).toList());
        for (JsonNode w : want) {
            double best = got.stream().filter(g -> g.get("classId").asInt() == w.get("classId").asInt())
                    .mapToDouble(g -> box(g).iou(box(w))).max().orElse(0);
            assertThat(best).as("%s in %s", w, actual.get("detections")).isGreaterThanOrEqualTo(MIN_IOU);
        }
    }

    private static Box box(JsonNode detection)
    {
        JsonNode b = detection.get("box");
        return new Box(b.get("xMin").asDouble(), b.get("yMin").asDouble(), b.get("xMax").asDouble(), b.get("yMax").asDouble());
    }

    private BufferedImage thumbnail(JsonNode inference)
            throws Exception
    {
        HttpResponse<byte[]> response = api.getBytes("/api/v1/images/" + inference.get("image").get("sha256").asString() + "/thumbnail");
        assertThat(response.statusCode()).isEqualTo(200);
        return ImageIO.read(new ByteArrayInputStream(response.body()));
    }

    private static double meanDifference(BufferedImage a, BufferedImage b)
    {
        double sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                sum += Math.abs(a.getRaster().getSample(x, y, 0) - b.getRaster().getSample(x, y, 0));
            }
        }
        return sum / (a.getWidth() * a.getHeight());
    }

    private static BufferedImage phantom()
            throws IOException
    {
        return ImageIO.read(new ByteArrayInputStream(TestFiles.fixture("images/phantom-26.png")));
    }

    private static float[] grey(BufferedImage image)
    {
        float[] values = new float[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                values[y * image.getWidth() + x] = image.getRaster().getSample(x, y, 0) / 255f;
            }
        }
        return values;
    }

    private static byte[] readAll(InputStream in)
            throws IOException
    {
        return in.readAllBytes();
    }

    /** The body of a response that may be sent chunked. */
    private static String unchunked(String body)
    {
        if (body.startsWith("{")) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        String rest = body;
        while (!rest.isEmpty()) {
            int end = rest.indexOf("\r\n");
            int size = Integer.parseInt(rest.substring(0, end).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(rest, end + 2, end + 2 + size);
            rest = rest.substring(end + 2 + size + 2);
        }
        return out.toString();
    }
}
