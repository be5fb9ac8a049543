package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.IpcEnvironment;

/**
 * The gateway jar run as README says, in a child JVM: at a console its {@code lb} shows every
 * bundle active but the HTTP service and the Web Console (and SPI Fly, which weaves Jetty), which
 * start when the first connection reaches the HTTP port and answer it; as a service, with standard input closed, it stays up until SIGTERM and then
 * stops its bundles cleanly.
 */
public class GatewayProcessTest {
    private static final Pattern LB_LINE = Pattern.compile("^\\s*\\d+\\|(\\w+)\\s*\\|\\s*\\d+\\|([^(|]+)", Pattern.MULTILINE);
    /** The bundles that start at the first connection to the HTTP port: Jetty with SPI Fly, which weaves it. */
    private static final Set<String> HTTP = Set.of("Apache Felix Http Jetty", "Apache Felix Web Management Console",
            "Apache Felix Inventory", "Apache Aries SPI Fly Dynamic Weaving Bundle", "org.objectweb.asm",
            "org.objectweb.asm.commons", "org.objectweb.asm.tree", "org.objectweb.asm.tree.analysis",
            "org.objectweb.asm.util");
    /** The fragment of slf4j-api that names its provider: resolved (attached), never active. */
    private static final String LOGGING_FRAGMENT = "MultiOS IPC Logging Provider";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path workDir;
    private Path output;
    private Process gateway;

    @Before
    public void prepare() throws IOException {
        workDir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(workDir);
        output = workDir.resolve("output.txt");
    }

    @After
    public void stop() {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
    }

    @Test(timeout = 180_000)
    public void consoleListsEveryBundleActiveAndHttpStartsAtItsFirstConnection() throws Exception {
        int port = GatewayProcess.freePort();
        GatewayProcess g = GatewayProcess.start(workDir, "-Dorg.osgi.service.http.port=" + port);
        try {
            g.awaitOutput("HTTP service and Web Console start at the first connection to");
            Map<String, String> before = bundleStates(g);
            before.forEach((name, state) -> assertEquals(name + " in:\n" + before,
                    HTTP.contains(name) || name.equals(LOGGING_FRAGMENT) ? "Resolved" : "Active", state));
            assertTrue("lb listed SPI Fly and the logging fragment:\n" + before,
                    before.containsKey("Apache Aries SPI Fly Dynamic Weaving Bundle") && before.containsKey(LOGGING_FRAGMENT));
            assertTrue("the IPC bundles are there:\n" + before, before.containsKey("MultiOS IPC Security"));
            assertTrue("lb listed the gateway's bundles:\n" + before, before.size() > 10);

            // the first connection to the port is answered by the Web Console's login, then by /metrics
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest metrics = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(90)).build();
            assertEquals("without a login", 401, http.send(metrics, HttpResponse.BodyHandlers.ofString()).statusCode());
            String password = Files.readString(workDir.resolve("conf").resolve("webconsole.password")).strip();
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(metrics, (n, v) -> true)
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(scrape.body(), 200, scrape.statusCode());
            assertTrue(scrape.body(), scrape.body().contains("# TYPE "));

            Map<String, String> after = bundleStates(g);
            after.forEach((name, state) -> assertEquals(name + " in:\n" + after,
                    name.equals(LOGGING_FRAGMENT) ? "Resolved" : "Active", state));
            assertTrue(after.keySet().containsAll(HTTP));
        } finally {
            g.stop();
        }
    }

    /** Each bundle's state by name, from an 'lb' at the console. */
    private static Map<String, String> bundleStates(GatewayProcess g) throws Exception {
        int from = g.output().length();
        g.command("lb");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String listing = g.output().substring(from);
        while (!listing.contains("SLF4J Simple Provider")) { // the last line of the listing
            assertTrue("lb answered:\n" + listing, System.nanoTime() < deadline);
            Thread.sleep(50);
            listing = g.output().substring(from);
        }
        Map<String, String> states = new TreeMap<>();
        Matcher m = LB_LINE.matcher(listing);
        while (m.find()) {
            states.put(m.group(2).strip(), m.group(1));
        }
        return states;
    }

    @Test(timeout = 120_000)
    public void runsWithoutATerminalAndStopsCleanlyOnSigterm() throws Exception {
        gateway = start(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        awaitOutput("IPC security started");
        assertFalse("standard input closed does not stop the gateway",
                gateway.waitFor(3, TimeUnit.SECONDS));

        new ProcessBuilder("kill", "-TERM", Long.toString(gateway.pid())).start().waitFor();
        assertTrue("SIGTERM stops the gateway", gateway.waitFor(60, TimeUnit.SECONDS));
        assertTrue("the security bundle was stopped cleanly:\n" + Files.readString(output),
                Files.readString(output).contains("IPC security stopped"));
    }

    @Test(timeout = 120_000)
    public void anOperatorManagesObjectsFromTheConsole() throws Exception {
        gateway = start(ProcessBuilder.Redirect.PIPE);
        try (OutputStream in = gateway.getOutputStream()) {
            in.write(String.join("\n",
                    "ipc:shmcreate frames 4096 640",
                    "ipc:shmwrite frames 0 hello-operator",
                    "ipc:shmread frames 0 16",
                    "ipc:semcreate ready 0",
                    "ipc:sempost ready",
                    "ipc:objects",
                    "ipc:unlink shm frames",
                    "ipc:shmread frames 0 4",
                    "ipc:shmcreate ../escape 16",
                    "ipc:unlink semaphore ready",
                    "ipc:objects",
                    "stop 0", "").getBytes(StandardCharsets.UTF_8));
        }
        assertTrue("the gateway stops on 'stop 0'", gateway.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(output);
        assertTrue(out, out.contains("created shm 'frames', 4096 bytes, rw-r-----"));
        assertTrue(out, out.contains("|hello-operator..|"));
        assertTrue(out, out.contains("semaphore 'ready' = 1"));
        assertTrue("the listing shows both objects:\n" + out,
                out.matches("(?s).*shm +frames +\\S+ +rw-r----- +4096.*semaphore +ready.*"));
        assertTrue(out, out.contains("NOT_FOUND: shm 'frames' does not exist"));
        assertTrue(out, out.contains("INVALID_ARGUMENT: shm name '../escape'"));
        assertTrue(out, out.contains("no objects"));
        assertFalse("errors are shown as code and message, not stack traces:\n" + out, out.contains("\tat org."));
    }

    private Process start(ProcessBuilder.Redirect stdin) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(List.of(java, "-D" + IpcEnvironment.ROOT_PROPERTY + "=" + workDir.resolve("ipc"),
                "-Dorg.osgi.service.http.port=" + GatewayProcess.freePort(),
                "-D" + GatewayProcess.LOG_LEVEL + "=info", "-jar", System.getProperty("ipc.gateway.jar")))
                .directory(workDir.toFile())
                .redirectInput(stdin)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }

    private void awaitOutput(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(output).contains(text)) {
            assertTrue("the gateway is running", gateway.isAlive());
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' in:\n" + Files.readString(output));
            }
            Thread.sleep(50);
        }
    }
}
