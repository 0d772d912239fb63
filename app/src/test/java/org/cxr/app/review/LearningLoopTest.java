package org.cxr.app.review;

import org.cxr.app.CommandLineTest;
import org.cxr.app.TestModels;
import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.app.server.Multipart;
import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.evaluation.CocoEvaluator.Prediction;
import org.cxr.detector.evaluation.OperatingPoint;
import org.cxr.imaging.Box;
import org.cxr.phantom.Finding;
import org.cxr.phantom.FindingClass;
import org.cxr.phantom.Phantom;
import org.cxr.phantom.PhantomGenerator;
import org.cxr.phantom.TruthReviewer;
import org.cxr.phantom.TruthReviewer.Decision;
import org.cxr.phantom.TruthReviewer.Proposal;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 12 end to end: phantoms are uploaded, a reviewer who knows their truth reviews every one, the pipelines back
 * the reviews up, warehouse and export them, and then the data mart's reviewed labels are the truth of the reviewed
 * images, and the model's agreement with reviewers is its accuracy on those phantoms.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LearningLoopTest
{
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int PHANTOMS = 12;
    private static Path dataMart;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
    {
        Path dataDir = TestServer.temporaryFolder("learning-loop");
        dataMart = dataDir.resolve("mart");
        TestServer.embedded(registry, dataDir);
        registry.add("cxr.pipelines.settle", () -> "0s");
        registry.add("cxr.pipelines.datamart.directory", dataMart::toString);
    }

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void reviewedLabelsReachTheDataMartWithTheirLineageAndTheModelsAgreementIsItsAccuracy()
            throws Exception
    {
        String radiologist = TestUsers.bearer(port, "rhea", "radiologist");
        String engineer = TestUsers.bearer(port, "dana", "data-engineer");
        PhantomGenerator generator = new PhantomGenerator();
        Map<String, Phantom> phantomOfSha = new HashMap<>();
        Map<String, Long> decisionCounts = new HashMap<>();
        List<Prediction> predictions = new ArrayList<>();
        List<CocoDataset.Image> images = new ArrayList<>();
        List<CocoDataset.Annotation> truth = new ArrayList<>();
        for (int i = 0; i < PHANTOMS; i++) {
            Phantom phantom = generator.generate(PhantomGenerator.imageSeed(777, i));
            JsonNode inference = upload(png(phantom), radiologist);
            phantomOfSha.put(inference.get("image").get("sha256").asString(), phantom);
            List<Proposal> proposals = new ArrayList<>();
            for (JsonNode d : inference.get("detections")) {
                Box box = box(d.get("box"));
                proposals.add(new Proposal(d.get("predictedBoxId").asLong(), d.get("classId").asInt(), d.get("score").asDouble(), box));
                predictions.add(new Prediction(i, d.get("classId").asInt() + 1, d.get("score").asDouble(), box));
            }
            images.add(new CocoDataset.Image(i, "phantom-" + i + ".png", phantom.width(), phantom.height(), null));
            for (Finding f : phantom.findings()) {
                truth.add(new CocoDataset.Annotation(truth.size() + 1, i, f.findingClass().cocoCategoryId(), new double[] {f.xMin(), f.yMin(), f.width(), f.height()},
                        f.width() * f.height(), 0, null, null));
            }
            List<Decision> decisions = TruthReviewer.review(proposals, phantom.findings());
            decisions.forEach(d -> decisionCounts.merge(d.kind().name(), 1L, Long::sum));
            HttpResponse<String> reviewed = post("/api/v1/inferences/" + inference.get("inferenceId").asLong() + "/reviews", reviewJson(decisions), radiologist);
            assertThat(reviewed.statusCode()).as(reviewed.body()).isEqualTo(201);
        }

        for (String stage : List.of("backup", "warehouse", "datamart")) {
            JsonNode run = runToTheEnd(stage, engineer);
            assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
        }

        // The reviewed labels are the truth of every reviewed image (accepted boxes to within IoU 0.9, the others exactly).
        List<JsonNode> exported = new ArrayList<>();
        long labels = 0;
        Map<String, Long> bySource = new HashMap<>();
        for (String split : List.of("train", "val")) {
            JsonNode coco = JSON.readTree(dataMart.resolve("annotations/" + split + ".json").toFile());
            Map<Long, String> categories = new HashMap<>();
            coco.get("categories").forEach(c -> categories.put(c.get("id").asLong(), c.get("name").asString()));
            Map<Long, List<JsonNode>> labelsOfImage = new HashMap<>();
            coco.get("annotations").forEach(a -> labelsOfImage.computeIfAbsent(a.get("image_id").asLong(), k -> new ArrayList<>()).add(a));
            for (JsonNode image : coco.get("images")) {
                exported.add(image);
                Phantom phantom = phantomOfSha.get(image.get("sha256").asString());
                List<JsonNode> mine = labelsOfImage.getOrDefault(image.get("id").asLong(), List.of());
                assertThat(mine).as("labels of %s", image.get("file_name")).hasSameSizeAs(phantom.findings());
                for (Finding finding : phantom.findings()) {
                    Box actual = new Box(finding.xMin(), finding.yMin(), finding.xMax(), finding.yMax());
                    assertThat(mine).as("%s in %s", finding, image.get("file_name")).anyMatch(label ->
                            categories.get(label.get("category_id").asLong()).equals(finding.findingClass().displayName())
                                    && coco(label.get("bbox")).iou(actual) >= TruthReviewer.EXACT_IOU);
                }
                for (JsonNode label : mine) {
                    bySource.merge(label.get("source").asString(), 1L, Long::sum);
                    assertThat(label.get("reviewer").asString()).isEqualTo("rhea");
                    assertThat(label.get("model").get("name").asString()).isEqualTo("cxr-demo-phantom");
                    assertThat(label.get("source").asString().equals("radiologist-added")).isEqualTo(label.get("predicted_box_id").isNull());
                }
                labels += mine.size();
            }
        }
        assertThat(exported).hasSize(PHANTOMS);
        assertThat(labels).isEqualTo(truth.size());
        assertThat(bySource.getOrDefault("model-accepted", 0L)).isEqualTo(decisionCounts.getOrDefault("ACCEPTED", 0L));
        assertThat(bySource.getOrDefault("model-corrected", 0L)).isEqualTo(decisionCounts.getOrDefault("CORRECTED", 0L));
        assertThat(bySource.getOrDefault("radiologist-added", 0L)).isEqualTo(decisionCounts.getOrDefault("ADDED", 0L));
        assertThat(JSON.readTree(dataMart.resolve("annotations/unreviewed.json").toFile()).get("images")).isEmpty();

        // The model's agreement with the reviews is its precision and recall on these phantoms, at its thresholds.
        List<CocoDataset.Category> categories = Arrays.stream(FindingClass.values())
                .map(c -> new CocoDataset.Category(c.cocoCategoryId(), c.displayName(), "finding")).toList();
        OperatingPoint.Result accuracy = OperatingPoint.evaluate(new CocoDataset(null, null, categories, images, truth), predictions, 0, TruthReviewer.MATCH_IOU);
        JsonNode quality = null;
        for (JsonNode model : get("/api/v1/model/quality", radiologist).get("models")) {
            if (model.get("name").asString().equals("cxr-demo-phantom")) {
                quality = model;
            }
        }
        assertThat(quality).isNotNull();
        assertThat(quality.get("accepted").asLong() + quality.get("corrected").asLong()).isEqualTo(accuracy.all().truePositives());
        assertThat(quality.get("rejected").asLong()).isEqualTo(accuracy.all().falsePositives());
        assertThat(quality.get("missed").asLong()).isEqualTo(accuracy.all().falseNegatives());
        double agreedPrecision = 1 - quality.get("rejectedShare").asDouble();
        assertThat(agreedPrecision).isCloseTo(accuracy.all().precision(), within(1e-12));

        // And the evaluation of the model on the data mart's reviewed labels says the same.
        Path evaluation = dataMart.resolve("evaluation.json");
        CommandLineTest.Run evaluate = CommandLineTest.run("evaluate", "--datamart", dataMart.toString(), "--split", "train",
                "--compare", TestModels.DEMO_MODEL.toString(), "--json", evaluation.toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(evaluate.out()).contains("precision at defaults", "recall at defaults", "mAP@0.5");
        JsonNode compared = JSON.readTree(evaluation.toFile()).get("models").get(0);
        assertThat(compared.get("atDefaults").get("precision").isNumber()).isTrue();
        assertThat(compared.get("map50").asDouble()).isGreaterThan(0.8);
    }

    private static String reviewJson(List<Decision> decisions)
    {
        List<String> boxes = new ArrayList<>();
        for (Decision d : decisions) {
            StringBuilder json = new StringBuilder("{\"decision\": \"").append(d.kind().name().toLowerCase()).append('"');
            d.predictedBoxId().ifPresent(id -> json.append(", \"predictedBoxId\": ").append(id));
            d.classId().ifPresent(id -> json.append(", \"classId\": ").append(id));
            d.box().ifPresent(b -> json.append(", \"box\": {\"xMin\": ").append(b.xMin()).append(", \"yMin\": ").append(b.yMin())
                    .append(", \"xMax\": ").append(b.xMax()).append(", \"yMax\": ").append(b.yMax()).append('}'));
            boxes.add(json.append('}').toString());
        }
        return "{\"boxes\": [" + String.join(", ", boxes) + "], \"comment\": \"simulated reviewer: the phantom's truth\"}";
    }

    private static Box box(JsonNode box)
    {
        return new Box(box.get("xMin").asDouble(), box.get("yMin").asDouble(), box.get("xMax").asDouble(), box.get("yMax").asDouble());
    }

    private static Box coco(JsonNode bbox)
    {
        double x = bbox.get(0).asDouble();
        double y = bbox.get(1).asDouble();
        return new Box(x, y, x + bbox.get(2).asDouble(), y + bbox.get(3).asDouble());
    }

    private JsonNode runToTheEnd(String stage, String engineer)
            throws Exception
    {
        JsonNode run = JSON.readTree(post("/api/v1/pipelines/" + stage + "/runs", null, engineer).body());
        long id = run.get("runId").asLong();
        for (int i = 0; i < 600 && "RUNNING".equals(run.get("status").asString()); i++) {
            Thread.sleep(100);
            run = get("/api/v1/pipelines/runs/" + id, engineer);
        }
        return run;
    }

    private JsonNode upload(byte[] png, String caller)
            throws Exception
    {
        HttpResponse<String> response = new Multipart().file("image", "phantom.png", "image/png", png)
                .post(client, URI.create("http://localhost:" + port + "/api/v1/inferences"), caller);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String json, String caller)
            throws Exception
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", caller);
        request = json == null ? request.POST(HttpRequest.BodyPublishers.noBody())
                : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path, String caller)
            throws Exception
    {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Authorization", caller).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static byte[] png(Phantom phantom)
            throws Exception
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(phantom.toImage(8), "png", out);
        return out.toByteArray();
    }
}
