package org.cxr.app.browser;

import org.cxr.app.TestServer;
import org.cxr.app.TestUsers;
import org.cxr.app.server.CxrApplication;
import org.cxr.app.server.Multipart;
import org.cxr.imaging.ImageBytes;
import org.cxr.imaging.Orientation;
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
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import javax.imageio.ImageIO;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The page at {@code /} in a real headless Chromium, driven by Selenium, against the whole application (demo model,
 * embedded PostgreSQL and embedded S3 under a temporary data directory): what a person sees and does, checked against
 * what the API says.
 * <p>
 * Needs Debian's {@code chromium} and {@code chromium-driver} ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver});
 * {@code .ci/run} installs them. Without them the test FAILS rather than being skipped, so CI can never pass without
 * running it. A developer without Chromium can skip it on purpose with the environment variable
 * {@code CXR_SKIP_BROWSER_TESTS=1}. Selenium Manager is never used (it would try to download a driver and a browser):
 * the driver and the browser are given by path.
 */
@SpringBootTest(classes = CxrApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DisabledIfEnvironmentVariable(named = "CXR_SKIP_BROWSER_TESTS", matches = "1",
        disabledReason = "CXR_SKIP_BROWSER_TESTS=1: the browser tests were skipped on purpose")
class PageInBrowserTest
{
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The page's history page size (PAGE in js/app.js). */
    private static final int HISTORY_PAGE = 24;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private static Chromium chromium;
    private static ChromeDriver driver;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry)
            throws IOException
    {
        Path dataDir = TestServer.temporaryFolder("browser-test");
        TestServer.embedded(registry, dataDir);
    }

    /** The radiologist who signs in on the page; the test's own API calls use a token of theirs. */
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
        uploads = Files.createTempDirectory("cxr-browser-uploads");
        driver.manage().window().setSize(Chromium.WINDOW);
        if (radiologist == null) {
            radiologist = TestUsers.bearer(port, USER, "radiologist");
        }
        driver.get(url("/"));
        if (driver.getCurrentUrl().contains("/login")) {
            signIn(USER, TestUsers.PASSWORD);
        }
        waitUntil("the model line names the model", () -> driver.findElement(By.id("model-line")).getText().startsWith("Model cxr-demo-phantom"));
        waitUntil("the first history page is loaded", () -> !historyIds().isEmpty() || apiList(HISTORY_PAGE, null).get("items").isEmpty());
        browserErrors(); // drain the log: each test sees its own
    }

    @AfterEach
    void noScriptErrors()
            throws IOException
    {
        assertThat(browserErrors()).as("errors in the browser's console").isEmpty();
        Chromium.deleteTree(uploads);
    }

    private void signIn(String username, String password)
    {
        driver.findElement(By.id("username")).sendKeys(username);
        driver.findElement(By.id("password")).sendKeys(password);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil("the page after signing in", () -> !driver.getCurrentUrl().contains("/login"));
    }

    @Test
    void aPersonalApiTokenMadeOnTheAccountPageWorksForScriptsUntilRevoked()
            throws Exception
    {
        driver.get(url("/account.html"));
        waitUntil("the account page names the user", () -> text("user-name").equals(USER));
        driver.findElement(By.id("token-name")).sendKeys("from-the-browser");
        driver.findElement(By.cssSelector("#new-token button[type=submit]")).click();
        waitUntil("the new token is shown once", () -> driver.findElement(By.id("new-token-value")).isDisplayed());
        waitUntil("the token list is reloaded", () -> text("status").contains("created"));
        String token = text("new-token-value");
        assertThat(token).startsWith("cxr_");

        HttpResponse<String> me = client.send(HttpRequest.newBuilder(URI.create(url("/api/v1/me"))).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(me.body()).get("username").asString()).isEqualTo(USER);

        WebElement row = driver.findElements(By.cssSelector("#tokens tbody tr")).stream()
                .filter(tr -> tr.getText().contains("from-the-browser")).findFirst().orElseThrow();
        row.findElement(By.tagName("button")).click();
        waitUntil("the token is revoked", () -> text("status").contains("revoked"));
        HttpResponse<String> revoked = client.send(HttpRequest.newBuilder(URI.create(url("/api/v1/me"))).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isEqualTo(401);
        driver.get(url("/"));
    }

    @Test
    void anAdministratorCreatesAUserOnTheAdminPageAndReadsTheAuditLog()
    {
        driver.findElement(By.id("sign-out")).click();
        waitUntil("the sign-in page", () -> driver.getCurrentUrl().contains("/login"));
        try {
            signIn("admin", TestUsers.ADMIN_PASSWORD);
            driver.get(url("/"));
            waitUntil("the upload page tells an admin it is not theirs", () -> driver.findElement(By.id("no-upload-role")).isDisplayed());
            assertThat(driver.findElements(By.cssSelector("nav a[href='/admin.html']"))).hasSize(1);

            driver.get(url("/admin.html"));
            waitUntil("the users are listed", () -> driver.findElements(By.cssSelector("#users tbody tr")).size() >= 2);
            driver.findElement(By.id("new-username")).sendKeys("nora");
            driver.findElement(By.id("new-password")).sendKeys("nora-password-123");
            driver.findElement(By.cssSelector("#new-roles input[value=radiologist]")).click();
            driver.findElement(By.cssSelector("#new-user button[type=submit]")).click();
            waitUntil("the new user is listed", () -> driver.findElements(By.cssSelector("#users tbody tr")).stream()
                    .anyMatch(tr -> tr.getText().startsWith("nora")));
            assertThat(text("status")).isEqualTo("User nora created.");

            driver.findElement(By.id("audit-action")).sendKeys("user.create");
            driver.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
            // The filtered page replaces the table the page loaded first: read the rows in one go, never a stale element.
            waitUntil("the audit log shows only creations, nora's among them", () -> {
                List<String> rows = auditRows();
                return !rows.isEmpty() && rows.stream().allMatch(row -> row.contains("user.create"))
                        && rows.stream().anyMatch(row -> row.contains("admin") && row.contains("nora") && row.contains("SUCCESS"));
            });
            assertThat(auditRows()).allSatisfy(row -> assertThat(row).contains("user.create"));
        }
        finally {
            driver.get(url("/admin.html"));
            waitUntil("the sign-out button", () -> !driver.findElements(By.id("sign-out")).isEmpty());
            driver.findElement(By.id("sign-out")).click();
            waitUntil("signed out", () -> driver.getCurrentUrl().contains("/login"));
        }
    }

    @Test
    void theFirstStartsAdminLearnsOnTheUploadPageThatUploadingNeedsARadiologistCreatesOneThereAndTheRadiologistSeesBoxes()
            throws Exception
    {
        driver.findElement(By.id("sign-out")).click();
        waitUntil("the sign-in page", () -> driver.getCurrentUrl().contains("/login"));
        signIn("admin", TestUsers.ADMIN_PASSWORD);
        try {
            driver.get(url("/"));
            waitUntil("the upload page says what an admin can do instead", () -> driver.findElement(By.id("no-upload-role")).isDisplayed());
            assertThat(text("no-upload-role-text")).contains("You are signed in as admin (admin)");
            assertThat(driver.findElement(By.id("drop-zone")).isDisplayed()).as("no upload box for a role that may not upload").isFalse();
            assertThat(driver.findElement(By.id("model-line")).getText()).isEmpty();

            driver.findElement(By.id("radiologist-username")).sendKeys("rosa");
            driver.findElement(By.id("radiologist-password")).sendKeys("rosa-password-123");
            driver.findElement(By.cssSelector("#new-radiologist button[type=submit]")).click();
            waitUntil("the radiologist is created", () -> text("radiologist-created").startsWith("Created the radiologist rosa."));
            HttpResponse<String> users = client.send(HttpRequest.newBuilder(URI.create(url("/api/v1/users"))).header("Authorization", TestUsers.adminBasic()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(users.body()).get("items").valueStream()
                    .filter(user -> user.get("username").asString().equals("rosa"))
                    .map(user -> user.get("roles").toString())).containsExactly("[\"RADIOLOGIST\"]");
            screenshot("no-upload-role.png");
        }
        catch (RuntimeException | Error e) {
            driver.findElement(By.id("sign-out")).click();
            waitUntil("signed out", () -> driver.getCurrentUrl().contains("/login"));
            throw e;
        }
        driver.findElement(By.id("sign-in-as")).click();
        waitUntil("signed out", () -> driver.getCurrentUrl().contains("/login"));
        signIn("rosa", "rosa-password-123");
        try {
            driver.get(url("/"));
            waitUntil("the model line names the model", () -> driver.findElement(By.id("model-line")).getText().startsWith("Model cxr-demo-phantom"));
            assertThat(driver.findElement(By.id("no-upload-role")).isDisplayed()).isFalse();
            List<Long> before = allInferenceIds();
            long id = uploadThroughThePage(phantomFile("rosa.png", 5150), before);
            assertCanvasShows(id);
        }
        finally {
            driver.findElement(By.id("sign-out")).click();
            waitUntil("signed out", () -> driver.getCurrentUrl().contains("/login"));
        }
    }

    @Test
    void aDataEngineerStartsAWarehouseRunOnThePipelinesPageAndWatchesItFinish()
    {
        TestUsers.create(port, "dave", "data-engineer");
        driver.findElement(By.id("sign-out")).click();
        waitUntil("the sign-in page", () -> driver.getCurrentUrl().contains("/login"));
        try {
            signIn("dave", TestUsers.PASSWORD);
            driver.get(url("/pipelines.html"));
            waitUntil("the data engineer is named", () -> text("user-name").equals("dave"));
            driver.findElement(By.cssSelector("button[data-stage=warehouse]")).click();
            waitUntil("the run is started", () -> text("status").startsWith("Started warehouse run "));
            String runId = text("status").replaceAll("\\D+", "");
            waitUntil("the history shows the run finished", () -> driver.findElements(By.cssSelector("#runs tr[data-run-id='" + runId + "']")).stream()
                    .anyMatch(tr -> tr.getText().contains("SUCCEEDED")));
            assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
        }
        finally {
            driver.get(url("/pipelines.html"));
            waitUntil("the sign-out button", () -> !driver.findElements(By.id("sign-out")).isEmpty());
            driver.findElement(By.id("sign-out")).click();
            waitUntil("signed out", () -> driver.getCurrentUrl().contains("/login"));
        }
    }

    @Test
    void thePageNamesTheUserAndSigningOutEndsTheSession()
            throws Exception
    {
        waitUntil("the user is named", () -> text("user-name").equals(USER));
        assertThat(driver.findElements(By.cssSelector("nav a[href='/pipelines.html']"))).as("a radiologist has no pipelines link").isEmpty();

        driver.findElement(By.id("sign-out")).click();
        waitUntil("the sign-in page", () -> driver.getCurrentUrl().contains("/login"));
        driver.get(url("/"));
        assertThat(driver.getCurrentUrl()).as("the page needs signing in again").contains("/login");

        // A wrong password keeps the door shut.
        driver.findElement(By.id("username")).sendKeys(USER);
        driver.findElement(By.id("password")).sendKeys("not-the-password");
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil("the sign-in page says the password was wrong", () -> driver.getCurrentUrl().contains("/login?error"));
        browserErrors(); // the failed sign-in's 401 is expected
    }

    @Test
    void thePageShowsTheModelAndTheLegendOfItsFiveClasses()
            throws Exception
    {
        JsonNode model = getJson("/api/v1/model");

        assertThat(text("model-line")).isEqualTo("Model cxr-demo-phantom " + model.get("version").asString() + ": "
                + model.get("description").asString());
        assertThat(driver.findElement(By.id("model-line")).isDisplayed()).isTrue();
        List<WebElement> legend = driver.findElements(By.cssSelector("#legend li"));
        assertThat(legend).hasSize(5);
        for (int i = 0; i < 5; i++) {
            JsonNode c = model.get("classes").get(i);
            assertThat(legend.get(i).getAttribute("textContent")).isEqualTo(c.get("name").asString());
            JsonNode rgb = c.get("color");
            assertThat(legend.get(i).findElement(By.className("swatch")).getCssValue("background-color"))
                    .isEqualTo("rgba(" + rgb.get(0).asInt() + ", " + rgb.get(1).asInt() + ", " + rgb.get(2).asInt() + ", 1)");
        }
        assertThat(driver.findElement(By.id("confidence")).getDomProperty("value"))
                .isEqualTo(trim(model.get("defaults").get("confidence").asDouble()));
        assertThat(text("confidence-value")).isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", model.get("defaults").get("confidence").asDouble()));
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @Test
    void anUploadShowsTheImageTheBoxesTheTableAndTheTimeAndTheSliderRefiltersWithoutANewUpload()
            throws Exception
    {
        List<Long> before = allInferenceIds();

        Path file = phantomFile("chest-browser-1.png", PhantomGenerator.imageSeed(4242, 1));
        long id = uploadThroughThePage(file, before);

        JsonNode inference = getJson("/api/v1/inferences/" + id);
        JsonNode detections = inference.get("detections");
        assertThat(detections).as("the demo model finds something in a phantom").isNotEmpty();
        assertThat(driver.findElement(By.id("result")).isDisplayed()).isTrue();
        assertThat(text("result-file")).isEqualTo("chest-browser-1.png");
        // the inference time, as the API stored it
        Matcher time = Pattern.compile("Inference (\\d+) ms · cxr-demo-phantom (\\S+)").matcher(text("result-time"));
        assertThat(time.matches()).as(text("result-time")).isTrue();
        assertThat(Double.parseDouble(time.group(1))).isCloseTo(inference.get("durationMs").asDouble(), org.assertj.core.data.Offset.offset(1.0));
        assertThat(time.group(2)).isEqualTo(inference.get("model").get("version").asString());
        // the original and the annotated image, side by side
        WebElement original = driver.findElement(By.id("original"));
        WebElement canvas = driver.findElement(By.id("annotated"));
        assertThat(original.getDomAttribute("src")).isEqualTo("/api/v1/images/" + inference.get("image").get("sha256").asString());
        waitUntil("the original is loaded", () -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", original)));
        assertThat(((Number) js("return arguments[0].naturalWidth", original)).intValue()).isEqualTo(inference.get("image").get("width").asInt());
        assertThat(((Number) js("return arguments[0].width", canvas)).intValue()).isEqualTo(inference.get("image").get("width").asInt());
        assertThat(original.isDisplayed()).isTrue();
        assertThat(canvas.isDisplayed()).isTrue();
        assertThat(canvas.getRect().getX()).as("the annotated image is to the right of the original").isGreaterThan(original.getRect().getX() + original.getRect().getWidth() - 1);
        assertThat(canvas.getRect().getY()).as("both panels on one row").isEqualTo(original.getRect().getY());
        // the legend is shown with the result
        assertThat(driver.findElements(By.cssSelector("#legend li"))).hasSize(5).allMatch(WebElement::isDisplayed);
        // the table is the API's detections, and the canvas draws exactly them, in each class's colour
        assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(rowsOf(detections));
        assertThat(text("result-count")).isEqualTo(detections.size() + (detections.size() == 1 ? " finding" : " findings"));
        assertCanvasShows(id);
        Map<String, Long> colours = colouredPixels();
        for (JsonNode d : detections) {
            assertThat(colours.getOrDefault(classColour(d.get("classId").asInt()), 0L)).as("pixels in the colour of " + d.get("className")).isPositive();
        }

        screenshot();

        // the slider re-filters on the page: at 1.0 nothing is left, and no new inference was made
        List<Long> afterUpload = allInferenceIds();
        setSlider("confidence", "1");
        assertThat(text("confidence-value")).isEqualTo("1.00");
        assertThat(tableRows()).isEmpty();
        assertThat(text("result-count")).isEqualTo("0 findings");
        assertThat(colouredPixels()).as("no box left on the canvas").isEmpty();
        // back to the threshold of the upload: the same boxes again, still without a new upload
        setSlider("confidence", trim(inference.get("thresholds").get("confidence").asDouble()));
        assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(rowsOf(detections));
        assertCanvasShows(id);
        // lower: the candidates the upload returned come in, all at or above the threshold
        setSlider("confidence", "0.05");
        assertThat(tableRows().size()).isGreaterThanOrEqualTo(detections.size());
        assertThat(tableScores()).allMatch(s -> s >= 0.05);
        assertThat(allInferenceIds()).isEqualTo(afterUpload);
    }

    @Test
    void aRadiographStoredOnItsSideIsShownUprightWithItsBoxesWhereTheModelFoundThem()
            throws Exception
    {
        byte[] plainPng = TestFiles.fixture("images/phantom-26.png");
        JsonNode plain = JSON.readTree(apiUpload("plain-26.png", plainPng, null).body());
        java.awt.image.BufferedImage phantom = ImageIO.read(new ByteArrayInputStream(plainPng));
        float[] upright = new float[phantom.getWidth() * phantom.getHeight()];
        for (int y = 0; y < phantom.getHeight(); y++) {
            for (int x = 0; x < phantom.getWidth(); x++) {
                upright[y * phantom.getWidth() + x] = phantom.getRaster().getSample(x, y, 0) / 255f;
            }
        }
        Path file = uploads.resolve("sideways-26.jpg");
        Files.write(file, ImageBytes.insertJpegSegment(ImageBytes.storedJpeg(upright, phantom.getWidth(), phantom.getHeight(), Orientation.ROTATE_90_CLOCKWISE),
                0xe1, ImageBytes.exifOrientation(Orientation.ROTATE_90_CLOCKWISE.exifValue(), false)));

        long id = uploadThroughThePage(file, allInferenceIds());

        JsonNode inference = getJson("/api/v1/inferences/" + id);
        assertThat(inference.get("image").get("width").asInt()).isEqualTo(phantom.getWidth());
        WebElement original = driver.findElement(By.id("original"));
        waitUntil("the original is loaded", () -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", original)));
        // The browser honours the file's EXIF orientation, so the picture it shows is the upright one the boxes are in.
        assertThat(((Number) js("return arguments[0].naturalWidth", original)).intValue()).isEqualTo(phantom.getWidth());
        assertThat(((Number) js("return arguments[0].naturalHeight", original)).intValue()).isEqualTo(phantom.getHeight());
        Object difference = driver.executeAsyncScript("""
                const [plainSha, done] = arguments;
                const shown = document.getElementById('original');
                const plain = new Image();
                plain.onload = () => {
                  const grey = (img) => {
                    const c = document.createElement('canvas');
                    c.width = img.naturalWidth; c.height = img.naturalHeight;
                    const ctx = c.getContext('2d');
                    ctx.drawImage(img, 0, 0);
                    return ctx.getImageData(0, 0, c.width, c.height).data;
                  };
                  const a = grey(shown), b = grey(plain);
                  let sum = 0;
                  for (let i = 0; i < a.length; i += 4) sum += Math.abs(a[i] - b[i]);
                  done(sum / (a.length / 4));
                };
                plain.onerror = () => done(-1);
                plain.src = '/api/v1/images/' + plainSha;
                """, plain.get("image").get("sha256").asString());
        assertThat(((Number) difference).doubleValue()).as("mean grey difference to the plain upload").isBetween(0.0, 4.0);
        assertCanvasShows(id);
        // The same findings as the plain upload (scores differ a little: the JPEG is lossy).
        assertThat(tableRows().stream().map(row -> row.split(" \\| ")[0]).toList())
                .containsExactlyInAnyOrderElementsOf(rowsOf(plain.get("detections")).stream().map(row -> row.split(" \\| ")[0]).toList());
        screenshot("sideways-upright.png");
    }

    @Test
    void theUploadAppearsInTheHistoryAndAHistoryItemOpensThatPastResult()
            throws Exception
    {
        // an older inference of another image, made through the API
        JsonNode older = JSON.readTree(apiUpload("older-browser.png", phantomPng(PhantomGenerator.imageSeed(4242, 2)), "0.5").body());
        driver.navigate().refresh();
        waitUntil("the history shows the older inference", () -> historyIds().contains(older.get("inferenceId").asLong()));

        Path file = phantomFile("chest-browser-3.png", PhantomGenerator.imageSeed(4242, 3));
        long id = uploadThroughThePage(file, allInferenceIds());
        JsonNode fresh = getJson("/api/v1/inferences/" + id);

        // the new upload is the first history item, with its thumbnail
        WebElement first = driver.findElements(By.cssSelector("#history .history-item")).get(0);
        assertThat(first.getDomAttribute("data-inference-id")).isEqualTo(String.valueOf(id));
        assertThat(first.findElement(By.tagName("img")).getDomAttribute("src"))
                .isEqualTo("/api/v1/images/" + fresh.get("image").get("sha256").asString() + "/thumbnail");
        assertThat(first.getText()).startsWith("chest-browser-3.png · " + fresh.get("detections").size() + " finding");

        // a click on the older item shows that past result, with its own thresholds
        historyItem(older.get("inferenceId").asLong()).click();
        waitUntil("the older result is shown", () -> text("result-file").equals("older-browser.png"));
        JsonNode olderStored = getJson("/api/v1/inferences/" + older.get("inferenceId").asLong());
        assertThat(driver.findElement(By.id("original")).getDomAttribute("src"))
                .isEqualTo("/api/v1/images/" + olderStored.get("image").get("sha256").asString());
        assertThat(driver.findElement(By.id("confidence")).getDomProperty("value")).isEqualTo("0.5");
        assertThat(text("confidence-value")).isEqualTo("0.50");
        assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(rowsOf(olderStored.get("detections")));
        assertCanvasShows(olderStored.get("inferenceId").asLong());

        // and back to the new one, whose image the browser has already loaded once
        historyItem(id).click();
        waitUntil("the new result is shown again", () -> text("result-file").equals("chest-browser-3.png"));
        assertThat(tableRows()).containsExactlyInAnyOrderElementsOf(rowsOf(fresh.get("detections")));
        assertCanvasShows(id);
    }

    @Test
    void aFileThatIsNotAnImageGetsAClearMessageAndNothingIsStored()
            throws Exception
    {
        List<Long> before = allInferenceIds();

        // a text file: the page refuses it by its type, without a request
        Path text = uploads.resolve("notes.txt");
        Files.writeString(text, "just some notes, not a radiograph");
        driver.findElement(By.id("file-input")).sendKeys(text.toString());
        waitUntil("the error is shown", () -> driver.findElement(By.id("error")).isDisplayed());
        assertThat(text("error")).isEqualTo("notes.txt is not a PNG or JPEG image.");

        // a text file named .png: the browser calls it image/png, so the server refuses it by its content
        clearFileInput();
        Path fake = uploads.resolve("fake.png");
        Files.writeString(fake, "just some notes, not a radiograph");
        driver.findElement(By.id("file-input")).sendKeys(fake.toString());
        waitUntil("the server's error is shown", () -> text("error").contains("Not a PNG or JPEG image."));
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isTrue();
        assertThat(text("status")).isEmpty();
        assertThat(driver.findElement(By.id("result")).isDisplayed()).isFalse();

        assertThat(allInferenceIds()).isEqualTo(before);
        // the failed request is in the console as a failed resource, and nothing else
        assertThat(browserErrors()).allMatch(m -> m.contains("/api/v1/inferences") && m.contains("415"));

        // a good upload afterwards clears the message
        clearFileInput();
        uploadThroughThePage(phantomFile("after-error.png", PhantomGenerator.imageSeed(4242, 4)), before);
        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
    }

    @Test
    void theHistoryPagesWithTheNextCursorAndEveryThumbnailLoads()
            throws Exception
    {
        int wanted = HISTORY_PAGE + 6;
        for (int i = allInferenceIds().size(); i < wanted; i++) {
            HttpResponse<String> response = apiUpload("paging-" + i + ".png", phantomPng(PhantomGenerator.imageSeed(5151, i % 7)), null);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        }
        driver.navigate().refresh();
        waitUntil("a full first history page", () -> historyIds().size() == HISTORY_PAGE);

        JsonNode page1 = apiList(HISTORY_PAGE, null);
        List<Long> expected = new ArrayList<>(ids(page1));
        assertThat(historyIds()).isEqualTo(expected);
        WebElement more = driver.findElement(By.id("more"));
        assertThat(more.isDisplayed()).as("a 'Show more' button while the API gives a next cursor").isTrue();

        JsonNode cursorPage = page1;
        while (cursorPage.hasNonNull("next")) {
            cursorPage = apiList(HISTORY_PAGE, cursorPage.get("next").asString());
            expected.addAll(ids(cursorPage));
            int size = expected.size();
            more.click();
            waitUntil("the next history page is appended", () -> historyIds().size() == size);
            assertThat(historyIds()).isEqualTo(expected);
            assertThat(more.isDisplayed()).isEqualTo(cursorPage.hasNonNull("next"));
        }
        assertThat(historyIds()).doesNotHaveDuplicates().hasSameElementsAs(allInferenceIds());

        // every thumbnail: the API answers 200 with a PNG, and the browser shows it
        List<WebElement> thumbnails = driver.findElements(By.cssSelector("#history .history-item img"));
        assertThat(thumbnails).hasSize(expected.size());
        for (WebElement img : thumbnails) {
            String src = img.getDomAttribute("src");
            assertThat(src).matches("/api/v1/images/[0-9a-f]{64}/thumbnail");
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url(src))).header("Authorization", radiologist).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(src).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(ImageIO.read(new ByteArrayInputStream(response.body()))).as(src).isNotNull();
            js("arguments[0].scrollIntoView({block: 'center'})", img); // they load lazily
            waitUntil("thumbnail " + src + " is shown", () -> Boolean.TRUE.equals(js("return arguments[0].complete && arguments[0].naturalWidth > 0", img)));
        }
    }

    // ---- the page

    private long uploadThroughThePage(Path file, List<Long> before)
    {
        driver.findElement(By.id("file-input")).sendKeys(file.toString());
        waitUntil("one new inference", () -> allInferenceIds().size() == before.size() + 1);
        long id = allInferenceIds().stream().filter(i -> !before.contains(i)).findFirst().orElseThrow();
        waitUntil("the result is shown and the history reloaded", () -> driver.findElement(By.id("result")).isDisplayed()
                && text("status").isEmpty() && !historyIds().isEmpty() && historyIds().get(0) == id);
        return id;
    }

    private void clearFileInput()
    {
        js("document.getElementById('file-input').value = ''");
    }

    private void setSlider(String id, String value)
    {
        js("const s = document.getElementById(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('input', {bubbles: true}));", id, value);
    }

    private WebElement historyItem(long inferenceId)
    {
        WebElement item = driver.findElement(By.cssSelector("#history .history-item[data-inference-id='" + inferenceId + "']"));
        js("arguments[0].scrollIntoView({block: 'center'})", item);
        return item;
    }

    private List<Long> historyIds()
    {
        return driver.findElements(By.cssSelector("#history .history-item")).stream()
                .map(e -> Long.parseLong(e.getDomAttribute("data-inference-id"))).toList();
    }

    private List<String> tableRows()
    {
        return driver.findElements(By.cssSelector("#detections tbody tr")).stream()
                .map(tr -> String.join(" | ", tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())).toList();
    }

    private List<Double> tableScores()
    {
        return driver.findElements(By.cssSelector("#detections tbody tr td:nth-child(2)")).stream().map(td -> Double.parseDouble(td.getText())).toList();
    }

    /** The table's rows for the API's detections: name, score to 3 places, box corners rounded (as JavaScript rounds). */
    private static List<String> rowsOf(JsonNode detections)
    {
        List<String> rows = new ArrayList<>();
        for (JsonNode d : detections) {
            JsonNode b = d.get("box");
            String box = Stream.of("xMin", "yMin", "xMax", "yMax").map(k -> String.valueOf(Math.round(b.get(k).asDouble()))).reduce((x, y) -> x + ", " + y).orElseThrow();
            rows.add(d.get("className").asString() + " | " + new BigDecimal(d.get("score").asDouble()).setScale(3, RoundingMode.HALF_UP).toPlainString() + " | " + box);
        }
        return rows;
    }

    /**
     * The canvas, once its image is loaded and any pending load event has run, is exactly the image with the stored
     * boxes of this inference drawn on it (drawn for reference by the page's own renderer on a canvas of its own).
     */
    private void assertCanvasShows(long inferenceId)
    {
        Object answer = driver.executeAsyncScript("""
                const [id, done] = arguments;
                const img = document.getElementById('original');
                const loaded = () => new Promise((resolve) => {
                  const check = () => (img.complete && img.naturalWidth > 0) ? resolve() : setTimeout(check, 20);
                  check();
                });
                (async () => {
                  await loaded();
                  await new Promise((r) => setTimeout(r, 400));
                  const [render, filter, model, inference] = await Promise.all([
                    import('/js/render.js'), import('/js/filter.js'),
                    fetch('/api/v1/model').then((r) => r.json()), fetch('/api/v1/inferences/' + id).then((r) => r.json())]);
                  const reference = document.createElement('canvas');
                  render.draw(reference, img, filter.refilter(inference.detections, 0, 1), model);
                  const shown = document.getElementById('annotated');
                  return shown.width === reference.width && shown.height === reference.height
                      && shown.toDataURL() === reference.toDataURL() ? 'same' : 'different';
                })().then(done, (e) => done('failed: ' + e));
                """, inferenceId);
        assertThat(answer).as("the canvas shows exactly the boxes of inference " + inferenceId).isEqualTo("same");
    }

    /** Pixels of the canvas that are not grey (the phantoms are grey, so these are the boxes and labels), by colour. */
    @SuppressWarnings("unchecked")
    private Map<String, Long> colouredPixels()
    {
        return (Map<String, Long>) js("""
                const c = document.getElementById('annotated');
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const counts = {};
                for (let i = 0; i < data.length; i += 4) {
                  if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) {
                    const key = `rgb(${data[i]}, ${data[i + 1]}, ${data[i + 2]})`;
                    counts[key] = (counts[key] ?? 0) + 1;
                  }
                }
                return counts;
                """);
    }

    private String classColour(int classId)
            throws Exception
    {
        JsonNode rgb = getJson("/api/v1/model").get("classes").get(classId).get("color");
        return "rgb(" + rgb.get(0).asInt() + ", " + rgb.get(1).asInt() + ", " + rgb.get(2).asInt() + ")";
    }

    private String text(String id)
    {
        return driver.findElement(By.id(id)).getText();
    }

    private Object js(String script, Object... args)
    {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    @SuppressWarnings("unchecked")
    private List<String> auditRows()
    {
        return (List<String>) js("return [...document.querySelectorAll('#audit tbody tr')].map(tr => tr.textContent);");
    }

    private void waitUntil(String what, java.util.function.BooleanSupplier condition)
    {
        // Tables re-render (the run history every few seconds): an element gone stale is a reason to look again.
        new WebDriverWait(driver, WAIT).withMessage(what).pollingEvery(Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    private static List<String> browserErrors()
    {
        return chromium.errors();
    }

    /** The whole page, into app/target/page.png, for a person to look at: a window as tall as the page, for the time of the shot. */
    private void screenshot()
            throws IOException
    {
        screenshot("page.png");
    }

    private void screenshot(String name)
            throws IOException
    {
        chromium.screenshot(name);
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

    private JsonNode apiList(int limit, String after)
    {
        try {
            return getJson("/api/v1/inferences?limit=" + limit + (after == null ? "" : "&after=" + java.net.URLEncoder.encode(after, StandardCharsets.UTF_8)));
        }
        catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every inference the API lists, newest first, following the keyset cursor. */
    private List<Long> allInferenceIds()
    {
        List<Long> ids = new ArrayList<>();
        JsonNode page = apiList(200, null);
        ids.addAll(ids(page));
        while (page.hasNonNull("next")) {
            page = apiList(200, page.get("next").asString());
            ids.addAll(ids(page));
        }
        return ids;
    }

    private static List<Long> ids(JsonNode page)
    {
        List<Long> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("inferenceId").asLong()));
        return ids;
    }

    private HttpResponse<String> apiUpload(String fileName, byte[] png, String confidence)
            throws Exception
    {
        Multipart form = new Multipart().file("image", fileName, "image/png", png);
        if (confidence != null) {
            form.field("confidence", confidence);
        }
        return form.post(client, URI.create(url("/api/v1/inferences")), radiologist);
    }

    // ---- files

    private Path phantomFile(String name, long seed)
            throws IOException
    {
        Path file = uploads.resolve(name);
        Files.write(file, phantomPng(seed));
        return file;
    }

    private static byte[] phantomPng(long seed)
            throws IOException
    {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new PhantomGenerator().generate(seed).toImage(8), "png", out);
        return out.toByteArray();
    }

    /** A threshold as the range input reports its value ("0.3", "1"). */
    private static String trim(double value)
    {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
