package org.cxr.app.browser;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * The headless Chromium the browser tests drive: Debian's {@code chromium} and {@code chromium-driver}, given by path
 * (Selenium Manager is never used: it would try to download a driver and a browser), with a profile of its own that
 * {@link #quit()} deletes; its console errors; whole-page screenshots for a person to look at.
 */
final class Chromium
{
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Dimension WINDOW = new Dimension(1400, 1100);

    /**
     * Selenium warns that it has no DevTools (CDP) classes for this Chromium's version; the tests use WebDriver only, so
     * that is noise. Held here because java.util.logging keeps loggers only weakly.
     */
    private static final List<java.util.logging.Logger> QUIET = Stream.of("org.openqa.selenium.devtools.CdpVersionFinder",
            "org.openqa.selenium.chromium.ChromiumDriver").map(java.util.logging.Logger::getLogger).toList();

    final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriver driver, Path profile)
    {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts the browser, or fails the test (never skips it) when Chromium or its driver is missing. */
    static Chromium start(Duration scriptTimeout)
            throws IOException
    {
        List<String> missing = Stream.of(CHROMIUM, CHROMEDRIVER).filter(p -> !Files.isExecutable(p)).map(Path::toString).toList();
        if (!missing.isEmpty()) {
            fail("The browser test needs Debian's Chromium and its driver; missing: " + String.join(", ", missing) + ". Run "
                    + "`apt-get install chromium chromium-driver` (as root), or set CXR_SKIP_BROWSER_TESTS=1 to skip it on purpose.");
        }
        QUIET.forEach(logger -> logger.setLevel(Level.SEVERE));
        Path profile = Files.createTempDirectory("cxr-chromium-profile");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=" + WINDOW.getWidth() + "," + WINDOW.getHeight(), "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(scriptTimeout);
        return new Chromium(driver, profile);
    }

    void quit()
            throws IOException
    {
        driver.quit();
        deleteTree(profile);
    }

    /** Errors in the browser's console since the last call; a failed request shows there as "Failed to load resource". */
    List<String> errors()
    {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    /** The whole page, into app/target/{name}, for a person to look at: a window as tall as the page, for the time of the shot. */
    void screenshot(String name)
            throws IOException
    {
        JavascriptExecutor js = driver;
        Dimension size = driver.manage().window().getSize();
        long height = ((Number) js.executeScript("return document.documentElement.scrollHeight")).longValue();
        long chrome = size.getHeight() - ((Number) js.executeScript("return window.innerHeight")).longValue();
        driver.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(height + chrome, 6000)));
        try {
            Path target = Path.of("target", name);
            Files.createDirectories(target.getParent());
            Files.write(target, driver.getScreenshotAs(OutputType.BYTES));
        }
        finally {
            driver.manage().window().setSize(size);
        }
    }

    static void deleteTree(Path root)
            throws IOException
    {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
