package io.lethe.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for the console tests: Debian's {@code /usr/bin/chromium}, headless, driven through Debian's
 * {@code /usr/bin/chromedriver} by Selenium. Both paths are given, so Selenium Manager never runs and nothing downloads
 * a browser. Without chromium the tests are skipped, unless {@code LETHE_TEST_BROWSER_REQUIRED=true} (CI), which makes
 * that a failure. Every address the browser was on is kept ({@link #visited()}), to check none holds personal data.
 */
public final class Browser implements AutoCloseable {

    public static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("LETHE_TEST_CHROMIUM", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getenv().getOrDefault("LETHE_TEST_CHROMEDRIVER",
            "/usr/bin/chromedriver"));
    public static final Path SCREENSHOTS = Path.of("target/console-screenshots");

    private final ChromeDriver driver;
    private final String base;
    private final List<String> visited = new ArrayList<>();

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** Skips the calling test (or fails it, in CI) when chromium or chromedriver is missing. */
    public static void assumeInstalled() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!present) {
            if (Boolean.parseBoolean(System.getenv("LETHE_TEST_BROWSER_REQUIRED"))) {
                throw new IllegalStateException("LETHE_TEST_BROWSER_REQUIRED is set but " + CHROMIUM + " or " + DRIVER
                        + " is missing (apt-get install chromium chromium-driver)");
            }
            Assumptions.abort("browser tests need " + CHROMIUM + " and " + DRIVER);
        }
    }

    public static Browser open(int port) {
        assumeInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1000", "--no-first-run", "--disable-extensions", "--lang=en-GB");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return new Browser(driver, "http://localhost:" + port);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a console path ("/console/...") and notes where the browser ended up. */
    public Browser go(String path) {
        driver.get(base + path);
        return noted();
    }

    /** Notes the current address (after a click or a form submit). */
    public Browser noted() {
        visited.add(driver.getCurrentUrl());
        return this;
    }

    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(base) ? url.substring(base.length()) : url;
    }

    public WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    public List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    public String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    public String title() {
        return driver.getTitle();
    }

    /** Fills a field of the page's form. */
    public Browser type(String css, String text) {
        WebElement field = find(css);
        field.clear();
        field.sendKeys(text);
        return this;
    }

    /** Clicks, then notes where the browser is. */
    public Browser click(String css) {
        find(css).click();
        return noted();
    }

    public Browser signIn(String key) {
        go("/console/");
        type("#apiKey", key);
        return click("form.sign-in button");
    }

    public Browser signOut() {
        return click("form.sign-out button");
    }

    public Cookie sessionCookie() {
        return driver.manage().getCookieNamed("lethe_console");
    }

    /** Every address the browser was on. */
    public List<String> visited() {
        return List.copyOf(visited);
    }

    /** Saves the whole page (not only the window) as target/console-screenshots/{name}.png. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            // The page's full height through the DevTools protocol: the page itself runs no script (CSP).
            Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            Object size = metrics.get("cssContentSize");
            long height = size instanceof Map<?, ?> m && m.get("height") instanceof Number n ? n.longValue() : 1000;
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height",
                    Math.min(5000, Math.max(700, height)), "deviceScaleFactor", 1, "mobile", false));
            try {
                Path target = SCREENSHOTS.resolve(name + ".png");
                Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
                return target;
            } finally {
                driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
