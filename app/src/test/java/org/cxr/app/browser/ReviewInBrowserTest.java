package org.cxr.app.browser;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.app.server.Multipart;
import org.cxr.imaging.TestFiles;
import org.cxr.phantom.PhantomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A radiologist's review on the page, in a real headless Chromium against the whole application (as
 * {@link PageInBrowserTest}): every action of a review by mouse and by key (select, accept, reject, drag a corner,
 * pick a class, draw a missed finding, no findings), the worklist and its next study, the model-quality panel; each
 * checked against what the API then holds. Screenshots go to app/target/review-*.png for a person to look at.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DisabledIfEnvironmentVariable(named = "CXR_SKIP_BROWSER_TESTS", matches = "1",
        disabledReason = "CXR_SKIP_BROWSER_TESTS=1: the browser tests were skipped on purpose")
class ReviewInBrowserTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The worklist's maximum wait here: short, so that a test can make a study overdue by waiting. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(8);
    /** How far (image pixels) a stored corner may lie from where the pointer put it. */
    private static final double PIXELS = 2.0;

    private static Chromium chromium;
    private static ChromeDriver driver;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry)
            throws IOException
    {
        TestServer.embedded(registry, TestServer.temporaryFolder("review-browser-test"));
        registry.add("cxr.review.max-wait", () -> MAX_WAIT.toString());
    }

    private static final String USER = "rita";
    private static String radiologist;

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newHttpClient();
    private Path uploads;

    @BeforeAll
    static void startBrowser()
            throws IOException
    {
        chromium = Chromium.start(WAIT);
        driver = chromium.driver;
    }

    @AfterAll
    static void stopBrowser()
            throws IOException
    {
        if (chromium != null) {
            chromium.quit();
        }
    }

    @BeforeEach
    void openPage()
            throws IOException
    {
        uploads = Files.createTempDirectory("cxr-review-uploads");
        driver.manage().window().setSize(Chromium.WINDOW);
        if (radiologist == null) {
            radiologist = TestUsers.bearer(port, USER, "radiologist");
        }
        driver.get(url("/"));
        if (driver.getCurrentUrl().contains("/login")) {
            signIn(USER, TestUsers.PASSWORD);
            driver.get(url("/"));
        }
        waitUntil("the model line names the model", () -> text("model-line").startsWith("Model cxr-demo-phantom"));
        chromium.errors(); // drain the log: each test sees its own
    }

    @AfterEach
    void noScriptErrors()
            throws IOException
    {
        assertThat(chromium.errors()).as("errors in the browser's console").isEmpty();
        Chromium.deleteTree(uploads);
    }

    @Test
    void aRadiologistAcceptsRejectsCorrectsAndAddsBoxesOnTheResultViewThenReviewsAgainAndGoesToTheNextStudy()
            throws Exception
    {
        // another study waiting, for "next study" at the end
        long waiting = apiUpload("waiting-for-next.png", phantomPng(PhantomGenerator.imageSeed(6161, 1))).get("inferenceId").asLong();
        long id = uploadThroughThePage("phantom-26.png", TestFiles.fixture("images/phantom-26.png"));
        JsonNode inference = getJson("/api/v1/inferences/" + id);
        List<JsonNode> detections = list(inference.get("detections"));
        assertThat(detections).extracting(d -> d.get("className").asString()).contains("Cardiomegaly", "Aortic enlargement", "ILD");
        int accepted = indexOf(detections, "Cardiomegaly");
        int corrected = indexOf(detections, "Aortic enlargement");
        int rejected = indexOf(detections, "ILD");

        // the result view as before, with the way into a review
        assertThat(text("annotated-caption")).isEqualTo("Detected findings");
        assertThat(displayed("review-panel")).isFalse();
        click("review-start");
        waitUntil("the review panel", () -> displayed("review-panel"));
        assertThat(displayed("original")).as("the original makes room for the review panel").isFalse();
        assertThat(displayed("detections")).isFalse();
        assertThat(driver.findElement(By.id("confidence")).isEnabled()).as("the thresholds rest while reviewing").isFalse();
        assertThat(decisions()).hasSize(detections.size()).allMatch(d -> d.equals("undecided"));
        assertThat(selected()).as("the first box is selected to begin with").isEqualTo(0);
        assertThat(text("review-submit")).isEqualTo("Submit review (" + detections.size() + " to decide)");

        // a click inside a box selects it; the Accept button accepts it
        clickImage(pointOnlyIn(detections, accepted));
        assertThat(selected()).isEqualTo(accepted);
        click("review-accept");
        assertThat(decisions().get(accepted)).isEqualTo("accepted");

        // submitting with boxes undecided names them and stores nothing
        click("review-submit");
        assertThat(displayed("review-error")).isTrue();
        assertThat(text("review-error")).startsWith("Decide every box the model found first:").contains("Aortic enlargement").contains("ILD");
        assertThat(text("review-progress")).contains("1 of " + detections.size() + " boxes decided; still to decide:");
        assertThat(list(getJson("/api/v1/inferences/" + id + "/reviews").get("items"))).isEmpty();

        // correct a box: select it, drag its top-left corner inwards, then pick another class in the picker
        clickImage(pointOnlyIn(detections, corrected));
        assertThat(selected()).isEqualTo(corrected);
        JsonNode box = detections.get(corrected).get("box");
        int[] corner = screen(box.get("xMin").asDouble(), box.get("yMin").asDouble());
        int[] dropped = {corner[0] + 24, corner[1] + 18};
        drag(corner, dropped);
        double[] moved = imagePoint(dropped);
        double[] grabbed = imagePoint(corner);
        double[] expectedCorrected = {box.get("xMin").asDouble() + moved[0] - grabbed[0], box.get("yMin").asDouble() + moved[1] - grabbed[1],
                box.get("xMax").asDouble(), box.get("yMax").asDouble()};
        assertThat(decisions().get(corrected)).isEqualTo("corrected");
        chromium.screenshot("review-correcting.png");
        new Select(driver.findElement(By.id("review-class"))).selectByVisibleText("5 Nodule/Mass");
        assertThat(itemText(corrected)).contains("Nodule/Mass").contains("(was Aortic enlargement)");

        // n goes to the box still to decide; a accepts it, r rejects it (the last key counts)
        key("n");
        assertThat(selected()).isEqualTo(rejected);
        key("a");
        assertThat(decisions().get(rejected)).isEqualTo("accepted");
        key("r");
        assertThat(decisions().get(rejected)).isEqualTo("rejected");
        // any further box the model found is accepted by key
        for (int i = 0; i < detections.size(); i++) {
            if (decisions().get(i).equals("undecided")) {
                key("n");
                key("a");
            }
        }
        assertThat(decisions()).doesNotContain("undecided");
        assertThat(text("review-progress")).startsWith("Every box the model found is decided");

        // add the finding the model missed: "Add finding", drag on the image, then the key 4 gives it class 4 (Infiltration)
        double[] emptyCorner = emptyRegion(detections, inference.get("image").get("width").asInt(), inference.get("image").get("height").asInt());
        click("review-add");
        assertThat(driver.findElement(By.id("review-add")).getDomAttribute("aria-pressed")).isEqualTo("true");
        int[] from = screen(emptyCorner[0], emptyCorner[1]);
        int[] to = {from[0] + 60, from[1] + 45};
        drag(from, to);
        double[] addedFrom = imagePoint(from);
        double[] addedTo = imagePoint(to);
        assertThat(decisions()).hasSize(detections.size() + 1).last().isEqualTo("added");
        assertThat(selected()).isEqualTo(detections.size());
        key("4");
        assertThat(itemText(detections.size())).contains("Infiltration");
        driver.findElement(By.id("review-comment")).sendKeys("reviewed in the browser test");
        assertThat(canvasMatches()).as("the canvas is the image shown").isTrue();
        chromium.screenshot("review-before-submit.png");

        click("review-submit");
        waitUntil("the stored review is shown", () -> displayed("stored-review"));
        assertThat(displayed("review-panel")).isFalse();
        assertThat(text("stored-review-meta")).startsWith("Reviewed by rita on ");
        assertThat(text("annotated-caption")).isEqualTo("Findings of the review by rita");
        assertThat(text("stored-review-comment")).isEqualTo("Comment: reviewed in the browser test");
        List<String> rows = driver.findElements(By.cssSelector("#stored-review-labels tbody tr")).stream().map(WebElement::getText).toList();
        assertThat(rows).hasSize(detections.size() + 1 - 1);
        assertThat(rows).anyMatch(r -> r.contains("Cardiomegaly") && r.contains("the model's box, accepted"));
        assertThat(rows).anyMatch(r -> r.contains("Nodule/Mass") && r.contains("the model's box, corrected") && r.contains("Aortic enlargement"));
        assertThat(rows).anyMatch(r -> r.contains("Infiltration") && r.contains("added by the radiologist"));
        assertThat(text("stored-review-rejected")).startsWith("Rejected boxes of the model: ILD");
        chromium.screenshot("review-stored.png");

        // what the API holds: one review with these decisions, classes and boxes
        List<JsonNode> reviews = list(getJson("/api/v1/inferences/" + id + "/reviews").get("items"));
        assertThat(reviews).hasSize(1);
        JsonNode review = reviews.get(0);
        assertThat(review.get("reviewer").asString()).isEqualTo(USER);
        assertThat(review.get("comment").asString()).isEqualTo("reviewed in the browser test");
        assertThat(review.get("noFindings").asBoolean()).isFalse();
        Map<Long, JsonNode> decided = list(review.get("boxes")).stream().filter(b -> !b.get("predictedBoxId").isNull())
                .collect(Collectors.toMap(b -> b.get("predictedBoxId").asLong(), b -> b));
        assertThat(decided).hasSize(detections.size());
        JsonNode acceptedBox = decided.get(detections.get(accepted).get("predictedBoxId").asLong());
        assertThat(acceptedBox.get("decision").asString()).isEqualTo("accepted");
        assertThat(acceptedBox.get("label").get("className").asString()).isEqualTo("Cardiomegaly");
        JsonNode rejectedBox = decided.get(detections.get(rejected).get("predictedBoxId").asLong());
        assertThat(rejectedBox.get("decision").asString()).isEqualTo("rejected");
        assertThat(rejectedBox.get("label").isNull()).isTrue();
        JsonNode correctedBox = decided.get(detections.get(corrected).get("predictedBoxId").asLong());
        assertThat(correctedBox.get("decision").asString()).isEqualTo("corrected");
        assertThat(correctedBox.get("label").get("classId").asInt()).isEqualTo(4);
        assertCorners(correctedBox.get("label").get("box"), expectedCorrected);
        List<JsonNode> added = list(review.get("boxes")).stream().filter(b -> b.get("predictedBoxId").isNull()).toList();
        assertThat(added).hasSize(1);
        assertThat(added.get(0).get("decision").asString()).isEqualTo("added");
        assertThat(added.get(0).get("label").get("classId").asInt()).isEqualTo(3);
        assertCorners(added.get(0).get("label").get("box"), new double[] {addedFrom[0], addedFrom[1], addedTo[0], addedTo[1]});
        List<String> sources = new ArrayList<>(IntStream.range(0, detections.size()).filter(i -> i != rejected)
                .mapToObj(i -> i == corrected ? "model-corrected" : "model-accepted").toList());
        sources.add("radiologist-added");
        assertThat(list(review.get("labels"))).extracting(l -> l.get("source").asString()).containsExactlyInAnyOrderElementsOf(sources);

        // a second review supersedes the first: every box accepted by key
        assertThat(text("review-start")).startsWith("Review again");
        click("review-start");
        waitUntil("the review panel again", () -> displayed("review-panel"));
        assertThat(decisions()).hasSize(detections.size()).allMatch(d -> d.equals("undecided"));
        for (int i = 0; i < detections.size(); i++) {
            key("a");
            key("n");
        }
        assertThat(decisions()).allMatch(d -> d.equals("accepted"));
        click("review-submit");
        waitUntil("the second review is shown, superseding the first", () -> displayed("stored-review") && text("stored-review-meta").contains("supersedes 1 earlier review"));
        reviews = list(getJson("/api/v1/inferences/" + id + "/reviews").get("items"));
        assertThat(reviews).hasSize(2);
        assertThat(list(reviews.get(0).get("boxes"))).hasSize(detections.size()).allMatch(b -> b.get("decision").asString().equals("accepted"));
        assertThat(reviews.get(0).get("reviewId").asLong()).isGreaterThan(reviews.get(1).get("reviewId").asLong());
        assertThat(getJson("/api/v1/inferences/" + id).get("review").get("reviewId").asLong()).isEqualTo(reviews.get(0).get("reviewId").asLong());

        // "Next study" opens the first study of the worklist, for review
        long before = firstWaiting(id);
        click("next-study");
        waitUntil("the next study is shown", () -> driver.getCurrentUrl().matches(".*\\?inference=(\\d+)(&review=1)?$") && inferenceInAddress() != id
                && displayed("review-panel"));
        long after = firstWaiting(id);
        assertThat(inferenceInAddress()).as("the first study waiting").isIn(before, after);
        assertThat(worklist()).contains(waiting);
    }

    @Test
    void aBoxMovedWholeAnUndoneCorrectionARemovedBoxAndACancelledReviewLeaveWhatTheyShould()
            throws Exception
    {
        long id = uploadThroughThePage("moves.png", phantomPng(PhantomGenerator.imageSeed(6161, 5)));
        List<JsonNode> detections = list(getJson("/api/v1/inferences/" + id).get("detections"));
        assertThat(detections).isNotEmpty();
        JsonNode box = detections.get(0).get("box");
        click("review-start");
        waitUntil("the review panel", () -> displayed("review-panel"));
        waitUntil("the image is drawn", this::canvasMatches);
        assertThat(selected()).isEqualTo(0);
        // the selected box has a white handle on each corner
        for (String[] corner : new String[][] {{"xMin", "yMin"}, {"xMax", "yMin"}, {"xMax", "yMax"}, {"xMin", "yMax"}}) {
            assertThat(js("const [x, y] = arguments; return [...document.getElementById('annotated').getContext('2d').getImageData(x, y, 1, 1).data].slice(0, 3).join(',');",
                    (int) Math.floor(box.get(corner[0]).asDouble()), (int) Math.floor(box.get(corner[1]).asDouble())))
                    .as("the handle on " + String.join(", ", corner)).isEqualTo("255,255,255");
        }

        // dragged by its inside, the whole box moves, towards the image's centre
        double[] inside = centreOrOnlyIn(detections, 0);
        int[] from = screen(inside[0], inside[1]);
        double[] r = canvasRect();
        int dx = inside[0] < r[4] / 2 ? 30 : -30;
        int dy = inside[1] < r[5] / 2 ? 20 : -20;
        int[] to = {from[0] + dx, from[1] + dy};
        drag(from, to);
        double[] shift = {imagePoint(to)[0] - imagePoint(from)[0], imagePoint(to)[1] - imagePoint(from)[1]};
        assertThat(decisions().get(0)).isEqualTo("corrected");
        assertThat(displayed("review-restore")).isTrue();
        click("review-restore");
        assertThat(decisions().get(0)).as("undone, the box is the model's again, still to decide").isEqualTo("undecided");
        assertThat(displayed("review-restore")).isFalse();

        // Esc stops drawing; a box drawn and then Delete leaves nothing
        click("review-add");
        key(Keys.ESCAPE);
        assertThat(driver.findElement(By.id("review-add")).getDomAttribute("aria-pressed")).isEqualTo("false");
        double[] free = emptyRegion(detections, (int) r[4], (int) r[5]);
        click("review-add");
        int[] start = screen(free[0], free[1]);
        drag(start, new int[] {start[0] + 40, start[1] + 40});
        assertThat(decisions()).hasSize(detections.size() + 1);
        key(Keys.DELETE);
        assertThat(decisions()).hasSize(detections.size());

        // Cancel: the result view as before, the model's boxes on the image; a reload shows the same result
        click("review-cancel");
        assertThat(displayed("review-panel")).isFalse();
        assertThat(displayed("original")).isTrue();
        assertThat(displayed("detections")).isTrue();
        assertThat(driver.findElement(By.id("confidence")).isEnabled()).isTrue();
        assertThat(canvasShowsTheModelsBoxes(id)).isEqualTo("same");
        assertThat(list(getJson("/api/v1/inferences/" + id + "/reviews").get("items"))).isEmpty();
        driver.navigate().refresh();
        waitUntil("the result again after a reload", () -> displayed("result") && text("result-file").equals("moves.png"));
        assertThat(inferenceInAddress()).isEqualTo(id);
        assertThat(canvasShowsTheModelsBoxes(id)).isEqualTo("same");

        // the move again, the other boxes accepted, submitted: the API holds the moved box
        click("review-start");
        waitUntil("the review panel", () -> displayed("review-panel"));
        waitUntil("the image is drawn", this::canvasMatches);
        from = screen(inside[0], inside[1]);
        drag(from, new int[] {from[0] + dx, from[1] + dy});
        for (int i = 1; i < detections.size(); i++) {
            key("n");
            key("a");
        }
        click("review-submit");
        waitUntil("the stored review", () -> displayed("stored-review"));
        JsonNode moved = list(getJson("/api/v1/inferences/" + id + "/reviews").get("items").get(0).get("boxes")).stream()
                .filter(b -> b.get("predictedBoxId").asLong() == detections.get(0).get("predictedBoxId").asLong()).findFirst().orElseThrow();
        assertThat(moved.get("decision").asString()).isEqualTo("corrected");
        assertCorners(moved.get("label").get("box"), new double[] {box.get("xMin").asDouble() + shift[0], box.get("yMin").asDouble() + shift[1],
                box.get("xMax").asDouble() + shift[0], box.get("yMax").asDouble() + shift[1]});
    }

    @Test
    void aBlankImageOpenedFromTheWorklistIsReviewedAsNormalAndNOpensTheNextStudy()
            throws Exception
    {
        long old = apiUpload("waiting-long.png", phantomPng(PhantomGenerator.imageSeed(6161, 2))).get("inferenceId").asLong();
        Thread.sleep(MAX_WAIT.plusMillis(700).toMillis()); // that study is overdue now
        long blank = apiUpload("blank.png", blankPng()).get("inferenceId").asLong();
        assertThat(getJson("/api/v1/inferences/" + blank).get("detections")).isEmpty();

        driver.get(url("/worklist.html"));
        waitUntil("the worklist lists both studies", () -> worklistIds().containsAll(List.of(old, blank)));
        assertThat(driver.findElements(By.cssSelector("nav strong")).stream().map(WebElement::getText)).contains("Review worklist");
        JsonNode api = getJson("/api/v1/reviews/worklist?limit=100");
        assertThat(worklistIds()).as("the API's order").isEqualTo(list(api.get("items")).stream().map(i -> i.get("inferenceId").asLong()).toList());
        assertThat(text("max-wait")).isEqualTo("8 s");
        for (JsonNode item : list(api.get("items"))) {
            WebElement row = driver.findElement(By.cssSelector(".worklist-item[data-inference-id='" + item.get("inferenceId").asLong() + "']"));
            assertThat(row.getDomAttribute("href")).isEqualTo("/?inference=" + item.get("inferenceId").asLong() + "&review=1");
            assertThat(row.findElement(By.tagName("img")).getDomAttribute("src")).isEqualTo(item.get("image").get("thumbnailUrl").asString());
            assertThat(row.getText()).contains(String.format(Locale.ROOT, "score %.2f", item.get("score").asDouble()))
                    .contains(item.get("boxes").asInt() + (item.get("boxes").asInt() == 1 ? " box" : " boxes"))
                    .containsPattern("waiting \\d+ (s|min)");
            assertThat(row.findElements(By.className("overdue-mark"))).as("the overdue marker of " + item).hasSize(item.get("overdue").asBoolean() ? 1 : 0);
        }
        assertThat(overdue(api, old)).isTrue();
        assertThat(overdue(api, blank)).isFalse();
        WebElement oldRow = driver.findElement(By.cssSelector(".worklist-item[data-inference-id='" + old + "']"));
        waitUntil("the thumbnails are shown", () -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0",
                oldRow.findElement(By.tagName("img")))));
        chromium.screenshot("review-worklist.png");

        // the blank study opens for review, and the only review it can have is "no findings", said plainly
        driver.findElement(By.cssSelector(".worklist-item[data-inference-id='" + blank + "']")).click();
        waitUntil("the study is opened for review", () -> driver.getCurrentUrl().endsWith("/?inference=" + blank + "&review=1")
                && displayed("review-panel"));
        assertThat(text("result-file")).isEqualTo("blank.png");
        assertThat(displayed("review-none")).isTrue();
        assertThat(text("review-none")).startsWith("The model found nothing in this image.");
        assertThat(displayed("review-no-findings")).isTrue();
        assertThat(text("review-no-findings")).isEqualTo("No findings: the image is normal");
        assertThat(displayed("review-submit")).isFalse();
        waitUntil("the image is shown", () -> Boolean.TRUE.equals(js("const i = document.getElementById('original'); return i.complete && i.naturalWidth > 0")));
        chromium.screenshot("review-no-findings.png");
        click("review-no-findings");
        waitUntil("the stored review says the image is normal", () -> displayed("stored-review") && displayed("stored-review-normal"));
        JsonNode review = getJson("/api/v1/inferences/" + blank + "/reviews").get("items").get(0);
        assertThat(review.get("noFindings").asBoolean()).isTrue();
        assertThat(review.get("boxes")).isEmpty();
        assertThat(review.get("reviewer").asString()).isEqualTo(USER);
        assertThat(worklist().contains(blank)).as("a reviewed study leaves the worklist").isFalse();

        // n: the next study of the worklist, opened for review
        long before = firstWaiting(blank);
        key("n");
        waitUntil("the next study is shown", () -> inferenceInAddress() != blank && displayed("review-panel"));
        long after = firstWaiting(blank);
        assertThat(inferenceInAddress()).isIn(before, after);
        assertThat(text("result-file")).isNotEqualTo("blank.png");
    }

    @Test
    void theWorklistPageShowsHowEachModelVersionFaresWithTheReviewsPerClassAndNOpensItsFirstStudy()
            throws Exception
    {
        // (not phantom-26 again: an image keeps the file name of its first upload, which the first test checks)
        JsonNode inference = apiUpload("quality.png", phantomPng(PhantomGenerator.imageSeed(6161, 4)));
        List<JsonNode> detections = list(inference.get("detections"));
        assertThat(detections).isNotEmpty();
        List<String> boxes = new ArrayList<>();
        for (int i = 0; i < detections.size(); i++) {
            String decision = i == 0 ? "rejected" : "accepted";
            boxes.add("{\"predictedBoxId\": " + detections.get(i).get("predictedBoxId").asLong() + ", \"decision\": \"" + decision + "\"}");
        }
        boxes.add("{\"decision\": \"added\", \"classId\": 3, \"box\": {\"xMin\": 5, \"yMin\": 5, \"xMax\": 40, \"yMax\": 40}}");
        HttpResponse<String> created = post("/api/v1/inferences/" + inference.get("inferenceId").asLong() + "/reviews", "{\"boxes\": [" + String.join(", ", boxes) + "]}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        apiUpload("quality-waiting.png", phantomPng(PhantomGenerator.imageSeed(6161, 6)));

        driver.get(url("/worklist.html"));
        waitUntil("the quality table", () -> !driver.findElements(By.cssSelector("table.quality tbody tr")).isEmpty());
        JsonNode quality = getJson("/api/v1/model/quality");
        assertThat(quality.get("models")).isNotEmpty();
        for (JsonNode model : list(quality.get("models"))) {
            String name = model.get("name").asString() + " " + model.get("version").asString();
            WebElement table = driver.findElement(By.cssSelector("table.quality[data-model='" + name + "']"));
            List<String> rows = table.findElements(By.cssSelector("tbody tr")).stream().map(WebElement::getText).toList();
            List<String> expected = new ArrayList<>();
            for (JsonNode c : list(model.get("classes"))) {
                expected.add(qualityRow(c.get("className").asString(), c));
            }
            expected.add(qualityRow("All classes", model));
            assertThat(rows).containsExactlyElementsOf(expected);
        }
        assertThat(driver.findElements(By.cssSelector("table.quality tbody tr")).stream().map(WebElement::getText))
                .anyMatch(row -> row.startsWith("Infiltration ") && !row.endsWith(" 0"));
        chromium.screenshot("review-quality.png");

        // n on the worklist opens its first study for review
        long first = worklistIds().get(0);
        key("n");
        waitUntil("the first study is opened for review", () -> driver.getCurrentUrl().endsWith("/?inference=" + first + "&review=1") && displayed("review-panel"));
    }

    @Test
    void anUploaderSeesNoReviewControlsNoWorklistAndTheKeysDoNothing()
            throws Exception
    {
        TestUsers.create(port, "ulla", "uploader");
        String uploader = "Bearer " + TestUsers.token(port, "ulla");
        click("sign-out");
        waitUntil("the sign-in page", () -> driver.getCurrentUrl().contains("/login"));
        try {
            signIn("ulla", TestUsers.PASSWORD);
            driver.get(url("/"));
            waitUntil("the model line names the model", () -> text("model-line").startsWith("Model cxr-demo-phantom"));
            assertThat(driver.findElements(By.cssSelector("nav a[href='/worklist.html']"))).as("no worklist link for an uploader").isEmpty();
            long id = uploadThroughThePage("ulla.png", phantomPng(PhantomGenerator.imageSeed(6161, 3)));
            String address = driver.getCurrentUrl();
            assertThat(displayed("review-bar")).isFalse();
            assertThat(displayed("review-panel")).isFalse();
            key("n");
            key("a");
            Thread.sleep(300);
            assertThat(driver.getCurrentUrl()).isEqualTo(address);
            assertThat(displayed("review-panel")).isFalse();
            assertThat(getJson("/api/v1/inferences/" + id).get("review").isNull()).isTrue();
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(url("/worklist.html"))).header("Authorization", uploader).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(403);
        }
        finally {
            driver.get(url("/"));
            waitUntil("the sign-out button", () -> !driver.findElements(By.id("sign-out")).isEmpty());
            click("sign-out");
            waitUntil("signed out", () -> driver.getCurrentUrl().contains("/login"));
        }
    }

    // ---- the review on the page

    private List<String> decisions()
    {
        return driver.findElements(By.cssSelector("#review-items .review-item")).stream().map(e -> e.getDomAttribute("data-decision")).toList();
    }

    private String itemText(int index)
    {
        return driver.findElements(By.cssSelector("#review-items .review-item")).get(index).getText();
    }

    private Integer selected()
    {
        return driver.findElements(By.cssSelector("#review-items .review-item")).stream()
                .filter(e -> "true".equals(e.getDomAttribute("aria-current"))).map(e -> Integer.valueOf(e.getDomAttribute("data-index")))
                .findFirst().orElse(null);
    }

    private static int indexOf(List<JsonNode> detections, String className)
    {
        return IntStream.range(0, detections.size()).filter(i -> detections.get(i).get("className").asString().equals(className)).findFirst().orElseThrow();
    }

    /** A point (image pixels) inside this box and outside every other, so that a click there picks this box. */
    private static double[] pointOnlyIn(List<JsonNode> detections, int index)
    {
        JsonNode box = detections.get(index).get("box");
        for (int i = 1; i < 10; i++) {
            for (int j = 1; j < 10; j++) {
                double x = box.get("xMin").asDouble() + (box.get("xMax").asDouble() - box.get("xMin").asDouble()) * (i % 2 == 0 ? 10 - i : i) / 10;
                double y = box.get("yMin").asDouble() + (box.get("yMax").asDouble() - box.get("yMin").asDouble()) * j / 10;
                boolean elsewhere = IntStream.range(0, detections.size()).filter(k -> k != index).anyMatch(k -> inside(detections.get(k).get("box"), x, y, 15));
                if (!elsewhere) {
                    return new double[] {x, y};
                }
            }
        }
        throw new AssertionError("no point of box " + index + " lies outside the others");
    }

    /** The box's centre if no other box holds it, else a point only this box holds. */
    private static double[] centreOrOnlyIn(List<JsonNode> detections, int index)
    {
        JsonNode box = detections.get(index).get("box");
        double x = (box.get("xMin").asDouble() + box.get("xMax").asDouble()) / 2;
        double y = (box.get("yMin").asDouble() + box.get("yMax").asDouble()) / 2;
        boolean elsewhere = IntStream.range(0, detections.size()).filter(k -> k != index).anyMatch(k -> inside(detections.get(k).get("box"), x, y, 0));
        return elsewhere ? pointOnlyIn(detections, index) : new double[] {x, y};
    }

    /** A corner (image pixels) of a free region some 80 pixels wide, away from every box, for drawing a new one. */
    private static double[] emptyRegion(List<JsonNode> detections, int width, int height)
    {
        for (int y = 20; y < height - 100; y += 20) {
            for (int x = 20; x < width - 100; x += 20) {
                int fx = x;
                int fy = y;
                boolean free = detections.stream().map(d -> d.get("box")).noneMatch(b -> b.get("xMin").asDouble() < fx + 100 && b.get("xMax").asDouble() > fx - 20
                        && b.get("yMin").asDouble() < fy + 80 && b.get("yMax").asDouble() > fy - 20);
                if (free) {
                    return new double[] {x, y};
                }
            }
        }
        throw new AssertionError("no free region in the image");
    }

    private static boolean inside(JsonNode box, double x, double y, double margin)
    {
        return x >= box.get("xMin").asDouble() - margin && x <= box.get("xMax").asDouble() + margin
                && y >= box.get("yMin").asDouble() - margin && y <= box.get("yMax").asDouble() + margin;
    }

    /** The canvas's place in the viewport (CSS pixels) and its size in image pixels: left, top, width, height, canvas width, canvas height. */
    private double[] canvasRect()
    {
        @SuppressWarnings("unchecked")
        List<Number> r = (List<Number>) js("""
                const c = document.getElementById('annotated');
                const r = c.getBoundingClientRect();
                return [r.left, r.top, r.width, r.height, c.width, c.height];
                """);
        return r.stream().mapToDouble(Number::doubleValue).toArray();
    }

    /** Where an image pixel is on screen (viewport CSS pixels, whole), the canvas scrolled into view first. */
    private int[] screen(double x, double y)
    {
        js("const c = document.getElementById('annotated'); const r = c.getBoundingClientRect();"
                + "if (r.top < 0 || r.bottom > window.innerHeight) c.scrollIntoView({block: 'center'});");
        double[] r = canvasRect();
        assertThat(r[3]).as("the whole canvas is in the window").isLessThanOrEqualTo(((Number) js("return window.innerHeight")).doubleValue());
        return new int[] {(int) Math.round(r[0] + x * r[2] / r[4]), (int) Math.round(r[1] + y * r[3] / r[5])};
    }

    /** The image pixel under a point of the viewport, as the page is to compute it. */
    private double[] imagePoint(int[] point)
    {
        double[] r = canvasRect();
        return new double[] {(point[0] - r[0]) * r[4] / r[2], (point[1] - r[1]) * r[5] / r[3]};
    }

    private void clickImage(double[] point)
    {
        int[] at = screen(point[0], point[1]);
        new Actions(driver).moveToLocation(at[0], at[1]).click().perform();
    }

    /** Press at one point of the viewport, move there in steps, release: a drag as a hand makes it. */
    private void drag(int[] from, int[] to)
    {
        Actions actions = new Actions(driver).moveToLocation(from[0], from[1]).clickAndHold();
        for (int step = 1; step <= 6; step++) {
            actions.moveToLocation(from[0] + (to[0] - from[0]) * step / 6, from[1] + (to[1] - from[1]) * step / 6);
        }
        actions.release().perform();
    }

    private static void assertCorners(JsonNode box, double[] expected)
    {
        String[] sides = {"xMin", "yMin", "xMax", "yMax"};
        for (int i = 0; i < 4; i++) {
            assertThat(box.get(sides[i]).asDouble()).as(sides[i] + " of " + box).isCloseTo(expected[i], within(PIXELS));
        }
    }

    /** "same" when the canvas is the image with the model's stored boxes, drawn for reference by the page's own renderer. */
    private Object canvasShowsTheModelsBoxes(long inferenceId)
    {
        return driver.executeAsyncScript("""
                const [id, done] = arguments;
                const img = document.getElementById('original');
                (async () => {
                  while (!(img.complete && img.naturalWidth > 0)) await new Promise((r) => setTimeout(r, 20));
                  await new Promise((r) => setTimeout(r, 300));
                  const [render, filter, model, inference] = await Promise.all([
                    import('/js/render.js'), import('/js/filter.js'),
                    fetch('/api/v1/model').then((r) => r.json()), fetch('/api/v1/inferences/' + id).then((r) => r.json())]);
                  const reference = document.createElement('canvas');
                  render.draw(reference, img, filter.refilter(inference.detections, 0, 1), model);
                  return document.getElementById('annotated').toDataURL() === reference.toDataURL() ? 'same' : 'different';
                })().then(done, (e) => done('failed: ' + e));
                """, inferenceId);
    }

    /** The canvas holds the image shown, at its natural size. */
    private boolean canvasMatches()
    {
        return Boolean.TRUE.equals(js("const c = document.getElementById('annotated'), i = document.getElementById('original');"
                + "return i.complete && c.width === i.naturalWidth && c.height === i.naturalHeight;"));
    }

    // ---- the worklist

    private List<Long> worklistIds()
    {
        return driver.findElements(By.cssSelector("#worklist .worklist-item")).stream().map(e -> Long.parseLong(e.getDomAttribute("data-inference-id"))).toList();
    }

    private List<Long> worklist()
            throws Exception
    {
        return list(getJson("/api/v1/reviews/worklist?limit=200").get("items")).stream().map(i -> i.get("inferenceId").asLong()).toList();
    }

    /** The first study of the worklist other than this one. */
    private long firstWaiting(long except)
            throws Exception
    {
        return worklist().stream().filter(i -> i != except).findFirst().orElseThrow();
    }

    private static boolean overdue(JsonNode worklist, long inferenceId)
    {
        return list(worklist.get("items")).stream().filter(i -> i.get("inferenceId").asLong() == inferenceId).findFirst().orElseThrow().get("overdue").asBoolean();
    }

    private long inferenceInAddress()
    {
        Matcher m = Pattern.compile("[?&]inference=(\\d+)").matcher(driver.getCurrentUrl());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String qualityRow(String name, JsonNode row)
    {
        return name + " " + row.get("proposed").asLong() + " " + share(row, "accepted") + " " + share(row, "corrected") + " " + share(row, "rejected")
                + " " + row.get("missed").asLong();
    }

    private static String share(JsonNode row, String kind)
    {
        JsonNode share = row.get(kind + "Share");
        return (share == null || share.isNull() ? "—" : Math.round(share.asDouble() * 100) + "%") + " (" + row.get(kind).asLong() + ")";
    }

    // ---- the page

    private long uploadThroughThePage(String name, byte[] png)
            throws IOException
    {
        Path file = uploads.resolve(name);
        Files.write(file, png);
        driver.findElement(By.id("file-input")).sendKeys(file.toString());
        waitUntil("the result of " + name + " is shown", () -> displayed("result") && text("result-file").equals(name) && text("status").isEmpty()
                && inferenceInAddress() > 0);
        return inferenceInAddress();
    }

    private void signIn(String username, String password)
    {
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil("the page after signing in", () -> !driver.getCurrentUrl().contains("/login"));
    }

    private void click(String id)
    {
        WebElement element = driver.findElement(By.id(id));
        js("arguments[0].scrollIntoView({block: 'nearest'})", element);
        element.click();
    }

    private void key(CharSequence key)
    {
        new Actions(driver).sendKeys(key).perform();
    }

    private boolean displayed(String id)
    {
        return driver.findElement(By.id(id)).isDisplayed();
    }

    private String text(String id)
    {
        return driver.findElement(By.id(id)).getText();
    }

    private Object js(String script, Object... args)
    {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private void waitUntil(String what, BooleanSupplier condition)
    {
        new WebDriverWait(driver, WAIT).withMessage(() -> what + " (at " + driver.getCurrentUrl() + ", the page's error line: '"
                        + driver.findElements(By.id("error")).stream().map(WebElement::getText).findFirst().orElse("") + "')")
                .pollingEvery(Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    // ---- the API

    private String url(String path)
    {
        return "http://localhost:" + port + path;
    }

    private JsonNode getJson(String path)
            throws Exception
    {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", radiologist).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> post(String path, String json)
            throws Exception
    {
        return client.send(HttpRequest.newBuilder(URI.create(url(path))).header("Authorization", radiologist).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode apiUpload(String fileName, byte[] png)
            throws Exception
    {
        HttpResponse<String> response = new Multipart().file("image", fileName, "image/png", png).post(client, URI.create(url("/api/v1/inferences")), radiologist);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> list(JsonNode array)
    {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    // ---- files

    private static byte[] phantomPng(long seed)
            throws IOException
    {
        return png(new PhantomGenerator().generate(seed).toImage(8));
    }

    private static byte[] blankPng()
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
