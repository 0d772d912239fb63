package org.cxr.app.review;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.app.server.Multipart;
import org.cxr.imaging.TestFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reviews through the HTTP API on the real stack: the demo model, embedded PostgreSQL and S3. */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReviewApiTest
{
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
    {
        TestServer.embedded(registry, TestServer.temporaryFolder("reviews"));
        registry.add("cxr.review.max-wait", () -> "3s");
    }

    @LocalServerPort
    int port;

    private static String radiologist;
    private static String uploader;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void users()
    {
        if (radiologist == null) {
            radiologist = TestUsers.bearer(port, "rosa", "radiologist");
            uploader = TestUsers.bearer(port, "ugo", "uploader");
        }
    }

    @Test
    void aRadiologistsReviewIsStoredWithItsLabelsAndLineageAndTheInferenceShowsTheLatest()
            throws Exception
    {
        JsonNode inference = upload(phantom(1), radiologist);
        List<JsonNode> detections = list(inference.get("detections"));
        assertThat(detections).as("the demo model finds at least three findings in this phantom").hasSizeGreaterThanOrEqualTo(3);
        assertThat(inference.get("review").isNull()).isTrue();
        long accepted = detections.get(0).get("predictedBoxId").asLong();
        long rejected = detections.get(1).get("predictedBoxId").asLong();
        long corrected = detections.get(2).get("predictedBoxId").asLong();
        List<String> decisions = new ArrayList<>(List.of(
                "{\"predictedBoxId\": " + accepted + ", \"decision\": \"accepted\"}",
                "{\"predictedBoxId\": " + rejected + ", \"decision\": \"rejected\"}",
                "{\"predictedBoxId\": " + corrected + ", \"decision\": \"corrected\", \"classId\": 4, \"box\": {\"xMin\": 10, \"yMin\": 20, \"xMax\": 200, \"yMax\": 220}}",
                "{\"decision\": \"added\", \"classId\": 3, \"box\": {\"xMin\": 300, \"yMin\": 300, \"xMax\": 350, \"yMax\": 360}}"));
        for (JsonNode other : detections.subList(3, detections.size())) {
            decisions.add("{\"predictedBoxId\": " + other.get("predictedBoxId").asLong() + ", \"decision\": \"accepted\"}");
        }

        HttpResponse<String> created = review(inference.get("inferenceId").asLong(), "{\"boxes\": [" + String.join(", ", decisions) + "], \"comment\": \"  left base  \"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode review = JSON.readTree(created.body());
        assertThat(review.get("reviewer").asString()).isEqualTo("rosa");
        assertThat(review.get("comment").asString()).isEqualTo("left base");
        assertThat(review.get("noFindings").asBoolean()).isFalse();
        Map<String, JsonNode> labelBySource = new LinkedHashMap<>();
        review.get("labels").forEach(label -> labelBySource.putIfAbsent(label.get("source").asString() + ":" + label.get("predictedBoxId"), label));
        assertThat(labelBySource).containsKeys("model-accepted:" + accepted, "model-corrected:" + corrected, "radiologist-added:null");
        assertThat(labelBySource.get("model-corrected:" + corrected).get("className").asString()).isEqualTo("Nodule/Mass");
        assertThat(labelBySource.get("model-accepted:" + accepted).get("box")).isEqualTo(detections.get(0).get("box"));
        assertThat(review.get("labels")).noneMatch(label -> label.get("predictedBoxId").asLong() == rejected);

        JsonNode shown = get("/api/v1/inferences/" + inference.get("inferenceId").asLong(), radiologist);
        assertThat(shown.get("review")).isEqualTo(review);
        // The uploader of an inference a radiologist reviewed sees the verdict too.
        JsonNode secondOpinion = JSON.readTree(review(inference.get("inferenceId").asLong(), "{\"boxes\": ["
                + String.join(", ", detections.stream().map(d -> "{\"predictedBoxId\": " + d.get("predictedBoxId").asLong() + ", \"decision\": \"rejected\"}").toList())
                + "]}").body());
        List<JsonNode> all = list(get("/api/v1/inferences/" + inference.get("inferenceId").asLong() + "/reviews", radiologist).get("items"));
        assertThat(all).extracting(r -> r.get("reviewId").asLong()).containsExactly(secondOpinion.get("reviewId").asLong(), review.get("reviewId").asLong());
        assertThat(get("/api/v1/inferences/" + inference.get("inferenceId").asLong(), radiologist).get("review").get("noFindings").asBoolean()).isTrue();
    }

    @Test
    void aReviewOfAnImageWithoutFindingsSaysItIsNormal()
            throws Exception
    {
        JsonNode inference = upload(blank(), radiologist);
        assertThat(inference.get("detections")).isEmpty();

        HttpResponse<String> created = review(inference.get("inferenceId").asLong(), "{\"boxes\": []}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).get("noFindings").asBoolean()).isTrue();
    }

    @Test
    void aReviewThatBreaksARuleIsA400ThatSaysWhyAndNothingIsStored()
            throws Exception
    {
        JsonNode inference = upload(phantom(2), radiologist);
        long id = inference.get("inferenceId").asLong();
        List<JsonNode> detections = list(inference.get("detections"));
        assertThat(detections).hasSizeGreaterThanOrEqualTo(2);
        long first = detections.get(0).get("predictedBoxId").asLong();
        String othersAccepted = String.join(", ", detections.subList(1, detections.size()).stream()
                .map(d -> "{\"predictedBoxId\": " + d.get("predictedBoxId").asLong() + ", \"decision\": \"accepted\"}").toList());
        long otherInferencesBox = list(upload(phantom(3), radiologist).get("detections")).get(0).get("predictedBoxId").asLong();

        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("{\"boxes\": [" + othersAccepted + "]}", "have no decision");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + otherInferencesBox + ", \"decision\": \"accepted\"}, " + othersAccepted + "]}", "not a box of inference");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + first + ", \"decision\": \"accepted\"}, {\"predictedBoxId\": " + first + ", \"decision\": \"rejected\"}, "
                + othersAccepted + "]}", "more than one decision");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + first + ", \"decision\": \"corrected\", \"classId\": 9}, " + othersAccepted + "]}", "does not have");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + first + ", \"decision\": \"accepted\"}, " + othersAccepted
                + ", {\"decision\": \"added\", \"classId\": 1, \"box\": {\"xMin\": 10, \"yMin\": 10, \"xMax\": 100000, \"yMax\": 20}}]}", "lies outside");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + first + ", \"decision\": \"accepted\"}, " + othersAccepted
                + ", {\"decision\": \"added\", \"classId\": 1, \"box\": {\"xMin\": 10, \"yMin\": 10, \"xMax\": 10, \"yMax\": 20}}]}", "has no area");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + first + ", \"decision\": \"approved\"}, " + othersAccepted + "]}", "Unknown decision 'approved'");
        refused.put("{\"boxes\": [{\"predictedBoxId\": " + first + "}, " + othersAccepted + "]}", "has no decision");
        refused.put("{\"comment\": \"no boxes at all\"}", "needs 'boxes'");
        for (Map.Entry<String, String> body : refused.entrySet()) {
            HttpResponse<String> response = review(id, body.getKey());
            assertThat(response.statusCode()).as(body.getKey() + " -> " + response.body()).isEqualTo(400);
            assertThat(JSON.readTree(response.body()).get("error").asString()).isEqualTo("bad_review");
            assertThat(JSON.readTree(response.body()).get("message").asString()).as(body.getKey()).contains(body.getValue());
        }
        HttpResponse<String> notJson = review(id, "{\"boxes\": [");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(notJson.body()).get("error").asString()).isEqualTo("bad_body");
        assertThat(review(Long.MAX_VALUE, "{\"boxes\": []}").statusCode()).isEqualTo(404);

        assertThat(get("/api/v1/inferences/" + id + "/reviews", radiologist).get("items")).isEmpty();
        assertThat(get("/api/v1/inferences/" + id, radiologist).get("review").isNull()).isTrue();
    }

    @Test
    void theWorklistShowsTheMostAbnormalFirstUntilAStudyHasWaitedTooLong()
            throws Exception
    {
        long normal = upload(blank(), uploader).get("inferenceId").asLong();
        JsonNode abnormal = upload(phantom(4), uploader);
        double highest = list(abnormal.get("detections")).stream().mapToDouble(d -> d.get("score").asDouble()).max().orElseThrow();

        List<JsonNode> now = mine(normal, abnormal.get("inferenceId").asLong());
        assertThat(now).extracting(item -> item.get("inferenceId").asLong()).containsExactly(abnormal.get("inferenceId").asLong(), normal);
        assertThat(now.get(0).get("score").asDouble()).isEqualTo(highest);
        assertThat(now).allMatch(item -> !item.get("overdue").asBoolean());

        // CXR_REVIEW_MAX_WAIT is 3 s here: once the normal study has waited longer, it goes first.
        Thread.sleep(3_500);
        JsonNode newest = upload(phantom(5), uploader);
        List<JsonNode> later = mine(normal, abnormal.get("inferenceId").asLong(), newest.get("inferenceId").asLong());
        assertThat(later).extracting(item -> item.get("inferenceId").asLong())
                .startsWith(normal, abnormal.get("inferenceId").asLong())
                .containsExactlyInAnyOrder(normal, abnormal.get("inferenceId").asLong(), newest.get("inferenceId").asLong());
        assertThat(later.get(0).get("overdue").asBoolean()).isTrue();
        assertThat(later.get(0).get("waitingSeconds").asLong()).isGreaterThanOrEqualTo(3);

        // A reviewed study leaves the worklist.
        assertThat(review(normal, "{\"boxes\": []}").statusCode()).isEqualTo(201);
        assertThat(mine(normal, abnormal.get("inferenceId").asLong())).extracting(item -> item.get("inferenceId").asLong())
                .containsExactly(abnormal.get("inferenceId").asLong());
    }

    @Test
    void modelQualityCountsTheLatestReviewsDecisionsPerClass()
            throws Exception
    {
        JsonNode before = qualityOfDemo();
        JsonNode inference = upload(phantom(6), radiologist);
        List<JsonNode> detections = list(inference.get("detections"));
        List<String> decisions = new ArrayList<>();
        decisions.add("{\"predictedBoxId\": " + detections.get(0).get("predictedBoxId").asLong() + ", \"decision\": \"rejected\"}");
        for (JsonNode d : detections.subList(1, detections.size())) {
            decisions.add("{\"predictedBoxId\": " + d.get("predictedBoxId").asLong() + ", \"decision\": \"accepted\"}");
        }
        decisions.add("{\"decision\": \"added\", \"classId\": 0, \"box\": {\"xMin\": 1, \"yMin\": 1, \"xMax\": 30, \"yMax\": 30}}");
        assertThat(review(inference.get("inferenceId").asLong(), "{\"boxes\": [" + String.join(", ", decisions) + "]}").statusCode()).isEqualTo(201);

        JsonNode after = qualityOfDemo();

        assertThat(after.get("rejected").asLong() - count(before, "rejected")).isEqualTo(1);
        assertThat(after.get("accepted").asLong() - count(before, "accepted")).isEqualTo(detections.size() - 1);
        assertThat(after.get("missed").asLong() - count(before, "missed")).isEqualTo(1);
        assertThat(after.get("acceptedShare").asDouble()).isEqualTo(after.get("accepted").asDouble() / after.get("proposed").asDouble());
        assertThat(list(after.get("classes"))).anyMatch(c -> c.get("className").asString().equals("Aortic enlargement") && c.get("missed").asLong() >= 1);
    }

    // ---- helpers

    private JsonNode qualityOfDemo()
            throws Exception
    {
        for (JsonNode model : get("/api/v1/model/quality", radiologist).get("models")) {
            if (model.get("name").asString().equals("cxr-demo-phantom")) {
                return model;
            }
        }
        return null;
    }

    private static long count(JsonNode model, String field)
    {
        return model == null ? 0 : model.get(field).asLong();
    }

    private List<JsonNode> mine(long... ids)
            throws Exception
    {
        List<Long> wanted = java.util.Arrays.stream(ids).boxed().toList();
        return list(get("/api/v1/reviews/worklist?limit=200", radiologist).get("items")).stream()
                .filter(item -> wanted.contains(item.get("inferenceId").asLong()))
                .toList();
    }

    private JsonNode upload(byte[] png, String caller)
            throws Exception
    {
        HttpResponse<String> response = new Multipart().file("image", "chest.png", "image/png", png)
                .post(client, URI.create("http://localhost:" + port + "/api/v1/inferences"), caller);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> review(long inferenceId, String body)
            throws Exception
    {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/inferences/" + inferenceId + "/reviews"))
                .header("Authorization", radiologist)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path, String caller)
            throws Exception
    {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", caller).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> list(JsonNode array)
    {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    /**
     * A phantom in which the demo model finds three findings (Cardiomegaly, Aortic enlargement, ILD); each upload of it
     * is an inference of its own.
     */
    private static byte[] phantom(int upload)
    {
        return TestFiles.fixture("images/phantom-26.png");
    }

    private static byte[] blank()
            throws IOException
    {
        return png(new BufferedImage(320, 320, BufferedImage.TYPE_BYTE_GRAY));
    }

    private static byte[] png(BufferedImage image)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
