package org.cxr.app.pipeline;

import org.cxr.app.CommandLineTest;
import org.cxr.app.TestModels;
import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.app.server.Multipart;
import org.cxr.detector.coco.CocoDataset;
import org.cxr.detector.coco.CocoFiles;
import org.cxr.lake.BoxRecord;
import org.cxr.lake.Lake;
import org.cxr.lake.NewReview;
import org.cxr.lake.NewReviewBox;
import org.cxr.lake.StoredInference;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Stages 3, 4 and 5 started over HTTP on the real stack, watched in the run history, and reconciled. */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class PipelineApiTest
{
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static Path dataMart;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
            throws IOException
    {
        Path dataDir = TestServer.temporaryFolder("pipeline-test");
        dataMart = dataDir.resolve("mart");
        TestServer.embedded(registry, dataDir);
        registry.add("cxr.pipelines.settle", () -> "0s");
        registry.add("cxr.pipelines.datamart.directory", dataMart::toString);
        PipelineApiTest.dataDir = dataDir;
    }

    private static Path dataDir;
    private static String engineer;
    private static String radiologist;

    @LocalServerPort
    int port;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    Lake lake;

    private final HttpClient client = HttpClient.newHttpClient();

    private URI uri(String path)
    {
        return URI.create("http://localhost:" + port + path);
    }

    /** A request of the data engineer's. */
    private HttpRequest.Builder request(String path)
    {
        if (engineer == null) {
            engineer = TestUsers.bearer(port, "dave", "data-engineer");
            radiologist = TestUsers.bearer(port, "rita", "radiologist");
        }
        return HttpRequest.newBuilder(uri(path)).header("Authorization", engineer);
    }

    private JsonNode runToTheEnd(String stage)
            throws Exception
    {
        HttpResponse<String> started = client.send(request("/api/v1/pipelines/" + stage + "/runs")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode run = JSON.readTree(started.body());
        assertThat(run.get("stage").asString()).isEqualTo(stage);
        long id = run.get("runId").asLong();
        for (int i = 0; i < 600 && "RUNNING".equals(run.get("status").asString()); i++) {
            Thread.sleep(100);
            run = JSON.readTree(client.send(request("/api/v1/pipelines/runs/" + id).build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        return run;
    }

    @Test
    void backupWarehouseAndDataMartRunOverHttpAndTheLayersAgree()
            throws Exception
    {
        List<Long> inferenceIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> created = new Multipart()
                    .file("image", "pipeline-" + i + ".png", "image/png", TestModels.phantomPng(PhantomGenerator.imageSeed(4040, i % 3)))
                    .post(client, uri("/api/v1/inferences"), radiologist);
            assertThat(created.statusCode()).isEqualTo(201);
            inferenceIds.add(JSON.readTree(created.body()).get("inferenceId").asLong());
        }
        // Two radiologists' reviews, written at the lake (the review API is not the subject here): one inference
        // reviewed twice, the later review superseding the earlier, both carried by every layer that holds reviews.
        long reviewBoxes = review(inferenceIds.get(0), true) + review(inferenceIds.get(0), false) + review(inferenceIds.get(1), true);

        JsonNode backup = runToTheEnd("backup");
        JsonNode warehouse = runToTheEnd("warehouse");
        JsonNode dataMartRun = runToTheEnd("datamart");

        assertThat(backup.get("status").asString()).as(backup.toString()).isEqualTo("SUCCEEDED");
        assertThat(JSON.readTree(backup.get("detail").asString()).get("inferences").asLong()).isEqualTo(4);
        assertThat(warehouse.get("status").asString()).as(warehouse.toString()).isEqualTo("SUCCEEDED");
        assertThat(JSON.readTree(warehouse.get("detail").asString()).get("inferencesAppended").asLong()).isEqualTo(4);
        assertThat(dataMartRun.get("status").asString()).as(dataMartRun.toString()).isEqualTo("SUCCEEDED");

        // Of the three images, the two reviewed ones are in the splits; the third, nobody reviewed, is in the unreviewed
        // file with the model's boxes.
        CocoDataset train = CocoFiles.read(dataMart.resolve("annotations/train.json"));
        CocoDataset validation = CocoFiles.read(dataMart.resolve("annotations/val.json"));
        CocoDataset unreviewed = CocoFiles.read(dataMart.resolve("annotations/unreviewed.json"));
        assertThat(train.images().size() + validation.images().size()).isEqualTo(2);
        assertThat(unreviewed.images()).hasSize(1);
        assertThat(unreviewed.categories()).extracting(CocoDataset.Category::id).containsExactly(1, 2, 3, 4, 5);
        for (CocoDataset.Image image : unreviewed.images()) {
            assertThat(dataMart.resolve(image.fileName())).isRegularFile();
        }

        // The boxes are where the model put them: the same model evaluated on the export finds exactly its own boxes.
        Path evaluation = dataMart.resolve("evaluation.json");
        CommandLineTest.Run evaluate = CommandLineTest.run("evaluate", "--model", TestModels.DEMO_MODEL.toString(),
                "--dataset", dataMart.resolve("annotations/unreviewed.json").toString(), "--image-root", dataMart.toString(), "--json", evaluation.toString());
        assertThat(evaluate.exitCode()).as(evaluate.err()).isZero();
        assertThat(JSON.readTree(evaluation.toFile()).get("map50").asDouble()).isGreaterThan(0.99);

        Reconciliation.Report report = reconciliation.run();
        assertThat(report.differences()).as(String.join("\n", report.lines())).isEmpty();
        JsonNode reconciled = JSON.readTree(client.send(request("/api/v1/pipelines/reconciliation").build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(reconciled.get("consistent").asBoolean()).as(reconciled.toString()).isTrue();
        for (String layer : List.of("database", "backup", "warehouse")) {
            assertThat(reconciled.get("counts").get(layer).get("reviews").asLong()).as(layer).isEqualTo(3);
            assertThat(reconciled.get("counts").get(layer).get("reviewBoxes").asLong()).as(layer).isEqualTo(reviewBoxes);
            assertThat(reconciled.get("counts").get(layer).get("inferences").asLong()).as(layer).isEqualTo(4);
        }
        assertThat(reconciled.get("counts").get("dataMart").get("images").asLong()).isEqualTo(3);
        assertThat(reconciled.get("lines").get(0).asString()).contains("4 inferences", "3 reviews", reviewBoxes + " review boxes");

        // A second backup finds nothing new; the history shows every run, newest first.
        JsonNode again = runToTheEnd("backup");
        assertThat(again.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(again.get("rowsRead").asLong()).isZero();
        JsonNode history = JSON.readTree(client.send(request("/api/v1/pipelines/runs?limit=10").build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(history.get("items").get(0).get("runId").asLong()).isEqualTo(again.get("runId").asLong());
        assertThat(history.get("items")).hasSizeGreaterThanOrEqualTo(4);
    }

    /**
     * A review of the inference: every predicted box accepted (or, if not, rejected), and a box added; returns how many
     * decisions it has.
     */
    private long review(long inferenceId, boolean accept)
    {
        StoredInference inference = lake.inference(inferenceId).orElseThrow();
        Stream<NewReviewBox> decided = inference.boxes().stream().map(BoxRecord::id).map(accept ? NewReviewBox::accepted : NewReviewBox::rejected);
        NewReviewBox added = NewReviewBox.added(0, new NewReviewBox.Corners(1, 1, 5, 5));
        List<NewReviewBox> boxes = Stream.concat(decided, Stream.of(added)).toList();
        return lake.review(new NewReview(inferenceId, "rita", boxes, Optional.of("pipeline test")), stored -> {}).boxes().size();
    }

    @Test
    void unknownStagesAndRunsGetClearErrors()
            throws Exception
    {
        HttpResponse<String> unknown = client.send(request("/api/v1/pipelines/vacuum/runs")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(unknown.body()).get("message").asString()).contains("backup, warehouse and datamart");

        HttpResponse<String> missing = client.send(request("/api/v1/pipelines/runs/987654").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void theCommandLineAsksTheServerThatHoldsTheDataDirectory()
            throws Exception
    {
        String previous = System.getProperty("cxr.data-directory");
        System.setProperty("cxr.data-directory", dataDir.toString());
        try {
            CommandLineTest.Run run = CommandLineTest.run("warehouse", "--server", "http://localhost:" + port);
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("warehouse run", "SUCCEEDED");
            // The server ran it, for the CLI's local token (the command could not open the data directory itself).
            JsonNode latest = JSON.readTree(client.send(request("/api/v1/pipelines/runs?stage=warehouse&limit=1").build(),
                    HttpResponse.BodyHandlers.ofString()).body()).get("items").get(0);
            assertThat(latest.get("trigger").asString()).isEqualTo("api");
            assertThat(run.out()).contains("warehouse run " + latest.get("runId").asLong());
        }
        finally {
            if (previous == null) {
                System.clearProperty("cxr.data-directory");
            }
            else {
                System.setProperty("cxr.data-directory", previous);
            }
        }
    }

    @Test
    void withoutBeingToldWhereTheCommandsFindTheServerOnAnyPortAndReconcileWhileItRunsWithoutAStackTrace(CapturedOutput output)
            throws Exception
    {
        String previous = System.getProperty("cxr.data-directory");
        System.setProperty("cxr.data-directory", dataDir.toString());
        try {
            // The server listens on a random port, not on 8080: the commands take its address from the data directory.
            assertThat(dataDir.resolve("server-url")).content().isEqualToIgnoringNewLines("http://localhost:" + port);
            int logged = output.getAll().length();

            CommandLineTest.Run backup = CommandLineTest.run("backup");
            CommandLineTest.Run reconcile = CommandLineTest.run("reconcile");

            assertThat(backup.exitCode()).as(backup.err()).isZero();
            assertThat(output.getAll().substring(logged)).contains("asking it at http://localhost:" + port);
            assertThat(backup.out()).contains("backup run", "SUCCEEDED");
            assertThat(reconcile.exitCode()).as(reconcile.out() + reconcile.err()).isZero();
            assertThat(reconcile.out()).contains("database: ", "backup: ", "No differences.");
            String said = output.getAll().substring(logged) + backup.err() + reconcile.err();
            assertThat(said).doesNotContain("Exception", "\tat org.");
        }
        finally {
            if (previous == null) {
                System.clearProperty("cxr.data-directory");
            }
            else {
                System.setProperty("cxr.data-directory", previous);
            }
        }
    }

    @Test
    void theRunHistoryPageIsServed()
            throws Exception
    {
        HttpResponse<String> page = client.send(request("/pipelines.html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Run history", "/js/pipelines.js");
    }
}
