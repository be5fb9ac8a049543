package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.IpcEnvironment;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Web Console's IPC page in a real browser: the gateway jar runs in a child JVM with its
 * HTTP service on a free loopback port; an operator creates a segment at the gateway's console,
 * sees it on the page with its statistics, unlinks it with the page's button, and both the page
 * and the console's {@code ipc:objects} show it gone. The login is the password the gateway
 * generated at its first start (the built-in admin/admin is refused), and a form another site
 * posts to the page is refused and changes nothing. Headless Chromium through the
 * distribution's chromedriver; skipped only outside CI when chromedriver is not installed.
 */
public class WebConsoleIpcPageTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    /** The Web Console's built-in login, which no gateway accepts. */
    private static final String BUILT_IN = "admin:admin";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path workDir;
    private Path output;
    private Process gateway;
    private OutputStream console;
    private ChromeDriver browser;
    private String credentials;
    private HttpServer otherSite;

    @Before
    public void prepare() throws IOException {
        boolean haveDriver = Files.isExecutable(Path.of(CHROMEDRIVER));
        Assume.assumeTrue("needs " + CHROMEDRIVER + " (installed by .ci/run in CI)",
                haveDriver || System.getenv("CI") != null);
        workDir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(workDir);
        output = workDir.resolve("output.txt");
    }

    @After
    public void stop() throws Exception {
        if (otherSite != null) {
            otherSite.stop(0);
        }
        if (browser != null) {
            browser.quit();
        }
        if (console != null) {
            try {
                console.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
                console.close();
            } catch (IOException gone) {
                // the gateway has ended already
            }
        }
        if (gateway != null && !gateway.waitFor(30, TimeUnit.SECONDS)) {
            gateway.destroyForcibly();
        }
    }

    @Test(timeout = 240_000)
    public void anOperatorUnlinksAnObjectFromTheWebConsole() throws Exception {
        int port = freePort();
        gateway = start(port);
        console = gateway.getOutputStream();
        command("ipc:shmcreate webtest 4096");
        awaitOutput("created shm 'webtest', 4096 bytes");

        String page = "http://127.0.0.1:" + port + "/system/console/ipc";
        awaitPage(page);

        browser = chromium();
        browser.get(page);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        By row = By.cssSelector("#ipc-objects tr[data-type='shm'][data-name='webtest']");
        WebElement object = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        List<WebElement> cells = object.findElements(By.tagName("td"));
        assertEquals("shm", cells.get(0).getText());
        assertEquals("webtest", cells.get(1).getText());
        assertEquals("4096", cells.get(5).getText());
        assertTrue("mode shown: " + cells.get(4).getText(), cells.get(4).getText().startsWith("rw-rw----"));
        String policy = browser.findElement(By.id("ipc-policy")).getText();
        assertTrue(policy, policy.startsWith("policy in force since ") && policy.contains("org.multios.ipc.security.cfg"));
        screenshot("webconsole-ipc.png");

        chmod(wait, object, "640");
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ipc-message")));
        assertTrue(message.getText(), message.getText().startsWith("shm 'webtest': rw-r----- "));
        object = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertTrue("new mode shown", object.findElements(By.tagName("td")).get(4).getText().startsWith("rw-r-----"));

        chmod(wait, object, "9x9");
        message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ipc-message")));
        assertEquals("an error shows the IpcException's code", "INVALID_ARGUMENT",
                message.findElement(By.className("ipc-code")).getText());
        object = wait.until(ExpectedConditions.visibilityOfElementLocated(row));

        object.findElement(By.cssSelector("input.ipc-unlink")).click();
        wait.until(replaced(object));
        message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ipc-message")));
        assertEquals("unlinked shm 'webtest'", message.getText());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ipc-no-objects")));
        assertTrue("the object is gone from the page", browser.findElements(row).isEmpty());
        screenshot("webconsole-ipc-unlinked.png");

        int before = Files.readString(output).length();
        command("ipc:objects");
        String listing = awaitOutputAfter(before, "no objects");
        assertFalse("IpcRuntime no longer lists the segment:\n" + listing, listing.contains("webtest"));

        // the operator uncomments a list among plain values: the page says that and why no policy is in force
        Path security = workDir.resolve("conf").resolve("org.multios.ipc.security.cfg");
        Files.writeString(security, "audit.rate=10\nrules=[\"deny * * *:*\"]\n");
        wait.until(d -> {
            d.navigate().refresh();
            return d.findElement(By.id("ipc-policy")).getText().startsWith("NO POLICY IN FORCE");
        });
        policy = browser.findElement(By.id("ipc-policy")).getText();
        assertTrue(policy, policy.contains("org.multios.ipc.security.cfg") && policy.contains("key rules"));
        assertTrue("no objects are shown while nothing is served", browser.findElements(By.id("ipc-objects")).isEmpty()
                && browser.findElements(By.id("ipc-no-objects")).isEmpty());
        screenshot("webconsole-ipc-no-policy.png");
    }

    /**
     * While a producer sends at the gateway's console, the page's chart of the queue gains points
     * on its own (no reload) and its last messages/s is above 0; uPlot comes from the bundle.
     */
    @Test(timeout = 240_000)
    public void theChartsOfABusyQueueGrowWhileAProducerSends() throws Exception {
        int port = freePort();
        gateway = start(port);
        console = gateway.getOutputStream();
        command("ipc:queuecreate charts 64 256");
        awaitOutput("created queue 'charts'");
        String page = "http://127.0.0.1:" + port + "/system/console/ipc";
        awaitPage(page);
        assertEquals("uPlot is served by the bundle", 200, status(page + "/res/uplot/uPlot.iife.min.js", credentials));

        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try {
                while (producing.get()) {
                    command("ipc:send charts 1 tick");
                    command("ipc:receive charts 1000");
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException e) {
                producing.set(false);
            }
        }, "chart-test-producer");
        producer.start();
        try {
            browser = chromium();
            browser.get(page);
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            By chart = By.cssSelector("#ipc-live .ipc-live-object[data-type='queue'][data-name='charts']");
            WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(chart));
            int first = Integer.parseInt(row.getAttribute("data-points"));
            wait.until(d -> Integer.parseInt(d.findElement(chart).getAttribute("data-points")) >= first + 2
                    && Double.parseDouble(d.findElement(chart).getAttribute("data-messages-in")) > 0);
            row = browser.findElement(chart);
            assertEquals("four charts: messages/s, bytes/s, depth, wait times", 4,
                    row.findElements(By.cssSelector(".ipc-chart canvas")).size());
            assertTrue("the process view shows quota use against quota",
                    browser.findElement(By.id("ipc-processes")).getText().contains(" / none"));
            screenshot("webconsole-ipc-live.png");
        } finally {
            producing.set(false);
            producer.join(10_000);
        }
    }

    @Test(timeout = 240_000)
    public void theBuiltInPasswordIsRefusedAndTheGeneratedOneWorks() throws Exception {
        int port = freePort();
        gateway = start(port);
        console = gateway.getOutputStream();
        String page = "http://127.0.0.1:" + port + "/system/console/ipc";
        awaitPage(page);

        Path file = workDir.resolve("conf").resolve("webconsole.password");
        assertEquals("only the gateway's OS user reads the password", "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String log = Files.readString(output);
        assertTrue("the log says where the password is:\n" + log, log.contains("Web Console login: user admin, password in "
                + file));
        assertEquals("the built-in admin/admin", 401, status(page, BUILT_IN));
        assertEquals("the generated password", 200, status(page, credentials));
        assertEquals("no password", 401, status(page, null));
    }

    @Test(timeout = 240_000)
    public void aFormAnotherSitePostsToThePageIsRefusedAndChangesNothing() throws Exception {
        int port = freePort();
        gateway = start(port);
        console = gateway.getOutputStream();
        command("ipc:shmcreate csrftest 4096");
        awaitOutput("created shm 'csrftest', 4096 bytes");
        String page = "http://127.0.0.1:" + port + "/system/console/ipc";
        awaitPage(page);

        // another site (another origin: another port) whose page posts an unlink to the IPC page at once
        otherSite = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] attack = ("<html><body><form id='f' method='post' action='" + page + "'>"
                + "<input type='hidden' name='action' value='unlink'><input type='hidden' name='type' value='shm'>"
                + "<input type='hidden' name='name' value='csrftest'></form>"
                + "<script>document.getElementById('f').submit();</script></body></html>")
                .getBytes(StandardCharsets.UTF_8);
        otherSite.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, attack.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(attack);
            }
        });
        otherSite.start();
        String attacker = "http://localhost:" + otherSite.getAddress().getPort() + "/";

        browser = chromium();
        browser.get(attacker);
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.until(d -> d.getCurrentUrl().startsWith(page));
        String shown = browser.findElement(By.tagName("body")).getText();
        assertTrue("the post is refused:\n" + shown, shown.contains("403") && shown.contains("cross-origin"));
        screenshot("webconsole-ipc-cross-origin.png");

        // a same-origin post without the session's token is refused too
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(URI.create(page))
                .header("Authorization", basicAuth(credentials)).header("Origin", "http://127.0.0.1:" + port)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=unlink&type=shm&name=csrftest")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(noToken.body(), 403, noToken.statusCode());

        // a GET changes nothing, not even with the session's own token and the page's origin (the
        // listing below still shows the segment)
        HttpClient session = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> shownPage = session.send(HttpRequest.newBuilder(URI.create(page))
                .header("Authorization", basicAuth(credentials)).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher token = Pattern.compile("name='ipc\\.csrf' value='([^']+)'").matcher(shownPage.body());
        assertTrue("the page carries the session's token:\n" + shownPage.body(), token.find());
        HttpResponse<String> get = session.send(HttpRequest.newBuilder(URI.create(page
                + "?action=unlink&type=shm&name=csrftest&ipc.csrf=" + URLEncoder.encode(token.group(1),
                StandardCharsets.UTF_8))).header("Authorization", basicAuth(credentials))
                .header("Origin", "http://127.0.0.1:" + port).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(get.body(), 200, get.statusCode());

        int before = Files.readString(output).length();
        command("ipc:objects");
        String listing = awaitOutputAfter(before, "csrftest");
        assertTrue("the segment is still there:\n" + listing, listing.contains("shm"));

        browser.get(page);
        By row = By.cssSelector("#ipc-objects tr[data-type='shm'][data-name='csrftest']");
        WebElement object = wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        object.findElement(By.cssSelector("input.ipc-unlink")).click();
        wait.until(replaced(object));
        WebElement message = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("ipc-message")));
        assertEquals("the page's own form still works", "unlinked shm 'csrftest'", message.getText());
    }

    /**
     * The Web Console's own pages: another site's forms that stop a bundle (Bundles) and rewrite
     * the security policy's rules (Configuration) are refused and change nothing; the console's
     * own requests still act.
     */
    @Test(timeout = 240_000)
    public void formsAnotherSitePostsToTheBundlesAndConfigurationPagesAreRefused() throws Exception {
        int port = freePort();
        gateway = start(port);
        console = gateway.getOutputStream();
        String base = "http://127.0.0.1:" + port + "/system/console";
        awaitPage(base + "/ipc");
        String bundle = base + "/bundles/" + bundleId(base, "org.apache.felix.gogo.command");
        String config = base + "/configMgr/org.multios.ipc.security";
        String marker = "user:csrf-attacker";

        otherSite = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        attackPage(otherSite, "/bundles", bundle, Map.of("action", "stop"));
        attackPage(otherSite, "/config", config, Map.of("apply", "true", "action", "ajaxConfigManager",
                "propertylist", "rules", "rules", "allow " + marker + " rwa queue:*"));
        otherSite.start();
        String attacker = "http://localhost:" + otherSite.getAddress().getPort();

        browser = chromium();
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        for (String attack : List.of("/bundles", "/config")) {
            browser.get(attacker + attack);
            wait.until(d -> d.getCurrentUrl().startsWith(base));
            String shown = browser.findElement(By.tagName("body")).getText();
            assertTrue(attack + " is refused:\n" + shown, shown.contains("403") && shown.contains("cross-origin"));
        }
        assertTrue("the bundle still runs", bundleJson(bundle).contains("\"state\":\"Active\""));
        int before = Files.readString(output).length();
        command("ipc:rules");
        String rules = awaitOutputAfter(before, "rule(s)");
        assertFalse("the policy is unchanged:\n" + rules, rules.contains(marker));

        // the console's own page still acts: a request from its origin stops and starts the bundle
        browser.get(base + "/bundles");
        wait.until(d -> String.valueOf(d.getTitle()).contains("Bundles"));
        for (String action : List.of("stop", "start")) {
            Object status = browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0], {method: 'POST', body: new URLSearchParams({action: arguments[1]})})"
                    + ".then(r => done(r.status), e => done(String(e)));", bundle, action);
            assertEquals(action + " from the console's own page", 200L, status);
            String expected = action.equals("stop") ? "Resolved" : "Active";
            assertTrue(action, bundleJson(bundle).contains("\"state\":\"" + expected + "\""));
        }
    }

    /** A page of {@code site} at {@code path} whose form posts {@code fields} to {@code target} at once. */
    private static void attackPage(HttpServer site, String path, String target, Map<String, String> fields) {
        StringBuilder form = new StringBuilder("<html><body><form id='f' method='post' action='" + target + "'>");
        fields.forEach((k, v) -> form.append("<input type='hidden' name='").append(k).append("' value='").append(v)
                .append("'>"));
        byte[] page = form.append("</form><script>document.getElementById('f').submit();</script></body></html>")
                .toString().getBytes(StandardCharsets.UTF_8);
        site.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(page);
            }
        });
    }

    private String bundleJson(String bundle) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(bundle + ".json"))
                .header("Authorization", basicAuth(credentials)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The id of the bundle with the symbolic name, from the Bundles page's JSON. */
    private String bundleId(String base, String symbolicName) throws Exception {
        String all = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/bundles.json"))
                .header("Authorization", basicAuth(credentials)).build(), HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"id\":(\\d+),[^}]*\"symbolicName\":\""
                + java.util.regex.Pattern.quote(symbolicName) + "\"").matcher(all);
        assertTrue("no bundle " + symbolicName + " in " + all, m.find());
        return m.group(1);
    }

    private int status(String page, String login) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(page)).timeout(Duration.ofSeconds(10));
        if (login != null) {
            request.header("Authorization", basicAuth(login));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Submits the row's chmod form and waits for the page it leads to. */
    private static void chmod(WebDriverWait wait, WebElement row, String mode) {
        WebElement field = row.findElement(By.cssSelector("input[name='mode']"));
        field.clear();
        field.sendKeys(mode);
        row.findElement(By.cssSelector("input.ipc-chmod")).click();
        wait.until(replaced(row));
    }

    /**
     * Whether the page that held the element has been replaced. Chromium answers a query on an
     * element of a page being replaced either as stale or, mid-navigation, with "does not belong
     * to the document"; both mean the same here (Selenium's stalenessOf knows only the first).
     */
    private static ExpectedCondition<Boolean> replaced(WebElement element) {
        return d -> {
            try {
                element.isEnabled();
                return false;
            } catch (StaleElementReferenceException gone) {
                return true;
            } catch (WebDriverException e) {
                if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                    return true;
                }
                throw e;
            }
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Process start(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-D" + IpcEnvironment.ROOT_PROPERTY + "=" + workDir.resolve("ipc"),
                "-Dorg.osgi.service.http.port=" + port, "-D" + GatewayProcess.LOG_LEVEL + "=info", "-jar", System.getProperty("ipc.gateway.jar")))
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    private synchronized void command(String line) throws IOException {
        console.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private void awaitOutput(String text) throws Exception {
        awaitOutputAfter(0, text);
    }

    private String awaitOutputAfter(int from, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String out = Files.readString(output);
            String tail = out.length() > from ? out.substring(from) : "";
            if (tail.contains(text)) {
                return tail;
            }
            assertTrue("the gateway is running:\n" + out, gateway.isAlive());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in:\n" + out);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the Web Console serves the IPC page (Jetty and the console start after the
     * shell) to the password the gateway generated, which it reads from the gateway's file.
     */
    private void awaitPage(String page) throws Exception {
        Path file = workDir.resolve("conf").resolve("webconsole.password");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file)) {
            assertTrue("the gateway is running:\n" + Files.readString(output), gateway.isAlive());
            assertTrue("the gateway wrote no " + file + ":\n" + Files.readString(output), System.nanoTime() < until);
            Thread.sleep(100);
        }
        awaitOutput("Web Console login");
        credentials = "admin:" + Files.readString(file).strip();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(page)).timeout(Duration.ofSeconds(10))
                .header("Authorization", basicAuth(credentials)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int status = -1;
        while (System.nanoTime() < deadline) {
            try {
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertTrue("the gateway is running:\n" + Files.readString(output), gateway.isAlive());
            Thread.sleep(200);
        }
        throw new AssertionError("the IPC page did not answer 200 (last " + status + "):\n" + Files.readString(output));
    }

    private static String basicAuth(String login) {
        return "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8));
    }

    private ChromeDriver chromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,1024",
                "--user-data-dir=" + tmp.newFolder("chromium-profile").getAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        // The operator's login, sent with every request of the browser (form posts of any site too,
        // as a browser that remembers Basic credentials does).
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand("Network.setExtraHTTPHeaders",
                Map.of("headers", Map.of("Authorization", basicAuth(credentials))));
        return driver;
    }

    private void screenshot(String name) throws IOException {
        Path target = Path.of(System.getProperty("basedir", "."), "target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, browser.getScreenshotAs(OutputType.BYTES));
    }
}
