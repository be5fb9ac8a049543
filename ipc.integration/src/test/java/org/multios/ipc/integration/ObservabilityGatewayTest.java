package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * A running gateway watched from outside as an operator's tools do: Prometheus scrapes
 * {@code /metrics} with the Web Console's login (its output read by Prometheus's own Python
 * parser and by {@code promtool check metrics}), {@code ipc-stat} runs as its own OS process on
 * the gateway's IPC root while the gateway sends, and {@code ipc:top} names the busy queue; all
 * agree with what was sent and with {@code ipc:object}. A damaged object file is reported
 * CORRUPTED by ipc-stat, which shows the others too.
 */
public class ObservabilityGatewayTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final String MESSAGE = "order";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private GatewayProcess gateway;
    private int port;

    @Before
    public void start() throws Exception {
        Assume.assumeTrue("needs Debian's python3-prometheus-client and prometheus (installed by .ci/run)",
                Files.isExecutable(PYTHON) && Files.isExecutable(PROMTOOL) || System.getenv("CI") != null);
        Path dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        port = GatewayProcess.freePort();
        gateway = GatewayProcess.start(dir, "-Dorg.osgi.service.http.port=" + port);
        gateway.command("ipc:queuecreate orders 64 256");
        gateway.awaitOutput("created queue 'orders'");
    }

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    @Test(timeout = 240_000)
    public void metricsIpcStatAndTopAgreeWithWhatWasSent() throws Exception {
        send(25);
        for (int i = 0; i < 5; i++) {
            gateway.command("ipc:receive orders 1000");
        }
        awaitCount(": " + MESSAGE + "\n", 5);

        // Prometheus: only with the console's login; parsed by its own parser; promtool finds nothing to complain of
        String metrics = scrape();
        String url = "http://127.0.0.1:" + port + "/metrics";
        assertEquals("no login", 401, get(url, null).statusCode());
        assertEquals("the Web Console's built-in login", 401, get(url, "admin:admin").statusCode());
        assertTrue(get(url, "admin:" + password()).headers().firstValue("Content-Type").orElse("")
                .startsWith("text/plain; version=0.0.4"));
        Path file = tmp.newFile("metrics.txt").toPath();
        Files.writeString(file, metrics);
        String parsed = run(List.of(PYTHON.toString(), "-c", """
                import sys
                from prometheus_client.parser import text_string_to_metric_families
                for f in text_string_to_metric_families(open(sys.argv[1]).read()):
                    for s in f.samples:
                        if s.labels.get("name") == "orders":
                            print(s.name, int(s.value))
                """, file.toString()), null);
        assertTrue(parsed, parsed.contains("ipc_queue_messages_sent_total 25\n"));
        assertTrue(parsed, parsed.contains("ipc_queue_messages_received_total 5\n"));
        assertTrue(parsed, parsed.contains("ipc_queue_depth 20\n"));
        assertTrue(parsed, parsed.contains("ipc_queue_bytes_sent_total " + 25 * MESSAGE.length() + "\n"));
        run(List.of(PROMTOOL.toString(), "check", "metrics"), file);

        // ipc-stat in its own OS process, every half second while the gateway sends 20 more
        Process watcher = ipcStat("--json", "--interval", "0.5", "--count", "8");
        send(20);
        String passes = output(watcher);
        long last = -1;
        for (String line : passes.lines().toList()) {
            long in = messagesIn(line, "orders");
            assertTrue("counts only grow:\n" + passes, in >= last && in >= 25 && in <= 45);
            last = in;
        }

        // once all is sent: ipc-stat, ipc:object and /metrics say the same
        String once = output(ipcStat("--json"));
        assertEquals(once, 45, messagesIn(once, "orders"));
        gateway.command("ipc:object queue orders");
        gateway.awaitOutput("messages_in      45\n");
        assertTrue(scrape().contains("ipc_queue_messages_sent_total{name=\"orders\"} 45\n"));

        // a damaged file: CORRUPTED, and the pass goes on
        gateway.command("ipc:queuecreate broken 64 4");
        gateway.awaitOutput("created queue 'broken'");
        try (FileChannel f = FileChannel.open(gateway.dir.resolve("ipc").resolve("queue").resolve("broken"),
                StandardOpenOption.WRITE)) {
            f.write(ByteBuffer.wrap("NOTIPC!!".getBytes(StandardCharsets.US_ASCII)), 0);
        }
        String table = output(ipcStat());
        assertTrue(table, Pattern.compile("queue +broken +CORRUPTED ").matcher(table).find());
        assertTrue(table, Pattern.compile("queue +orders +OK +40 +40 +45 +5 ").matcher(table).find());

        // ipc:top, while the gateway keeps sending: orders is the busiest of an interval
        Pattern busy = Pattern.compile("queue +orders +[1-9]");
        String top = "";
        for (int attempt = 0; attempt < 5 && !busy.matcher(top).find(); attempt++) {
            sendFor(Duration.ofMillis(2500));
            int from = gateway.output().length();
            gateway.command("ipc:top 3");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            do { // until the answer: the busy queue, or that nothing was busy in the interval it saw
                assertTrue("ipc:top answered:\n" + top, System.nanoTime() < deadline);
                Thread.sleep(50);
                top = gateway.output().substring(from);
            } while (!busy.matcher(top).find() && !top.contains("no object sent or received anything"));
        }
        assertTrue(top, busy.matcher(top).find());
    }

    private void send(int count) throws Exception {
        int before = count("sent " + MESSAGE.length() + " bytes");
        for (int i = 0; i < count; i++) {
            gateway.command("ipc:send orders 1 " + MESSAGE);
        }
        awaitCount("sent " + MESSAGE.length() + " bytes", before + count);
    }

    /** Sends a message every 50 ms for the given time, each taken again at once (the queue never fills). */
    private void sendFor(Duration time) throws Exception {
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end) {
            gateway.command("ipc:send orders 1 " + MESSAGE);
            gateway.command("ipc:receive orders 1000");
            Thread.sleep(50);
        }
    }

    private int count(String text) throws IOException {
        String out = gateway.output();
        int n = 0;
        for (int i = out.indexOf(text); i >= 0; i = out.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    private void awaitCount(String text, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(text) < n) {
            assertTrue("the gateway is running:\n" + gateway.output(), gateway.process.isAlive());
            assertTrue("fewer than " + n + " '" + text + "':\n" + gateway.output(), System.nanoTime() < deadline);
            Thread.sleep(50);
        }
    }

    /** The messages_in counter of a queue in a JSON pass of ipc-stat. */
    private static long messagesIn(String json, String queue) {
        Matcher m = Pattern.compile("\\{\"type\":\"queue\",\"name\":\"" + queue
                + "\",\"status\":\"OK\",\"capacity\":\\d+,\"counters\":\\{\"messages_in\":(\\d+),").matcher(json);
        assertTrue(json, m.find());
        return Long.parseLong(m.group(1));
    }

    private Process ipcStat(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("ipc.stat.jar"), "--root", gateway.dir.resolve("ipc").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("ipc-stat ended", p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        return out;
    }

    private String password() throws IOException {
        return Files.readString(gateway.dir.resolve("conf").resolve("webconsole.password")).strip();
    }

    private void awaitScrape() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(gateway.dir.resolve("conf").resolve("webconsole.password"))) {
            assertTrue("no password file:\n" + gateway.output(), System.nanoTime() < deadline);
            Thread.sleep(100);
        }
        gateway.awaitOutput("metrics endpoint at /metrics");
        while (true) {
            try {
                if (get("http://127.0.0.1:" + port + "/metrics", "admin:" + password()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Jetty not listening yet
            }
            assertTrue("/metrics never answered 200:\n" + gateway.output(), System.nanoTime() < deadline);
            Thread.sleep(200);
        }
    }

    private String scrape() throws Exception {
        awaitScrape();
        HttpResponse<String> r = get("http://127.0.0.1:" + port + "/metrics", "admin:" + password());
        assertEquals(r.body(), 200, r.statusCode());
        return r.body();
    }

    private static HttpResponse<String> get(String url, String login) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (login != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    login.getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String run(List<String> command, Path stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(command + " ended", p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(command + " said:\n" + out, 0, p.exitValue());
        return out;
    }
}
