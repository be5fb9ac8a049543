package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.mqtt.test.Mosquitto;

/**
 * Two gateways in two JVMs exchange messages through one real Mosquitto (TLS and a password):
 * gateway A's queue {@code outbox} is published by an MQTT bridge configured by a file, gateway B's
 * bridge delivers the topic into its queue {@code inbox}, each message at its priority; {@code
 * ipc:mqtt} and gateway A's Web Console page {@code /system/console/mqtt} show the bridges connected
 * with their counts. A bridge is a caller of its own: a
 * rule denying the ipc.mqtt bundle a queue keeps a bridge of that queue from starting.
 */
public class MqttTwoGatewaysTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Mosquitto broker;
    private GatewayProcess a;
    private GatewayProcess b;

    @After
    public void stop() throws Exception {
        for (GatewayProcess g : new GatewayProcess[] {a, b}) {
            if (g != null && g.process.isAlive()) {
                g.process.destroyForcibly();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test(timeout = 180_000)
    public void twoGatewaysExchangeQueueMessagesThroughOneBroker() throws Exception {
        assumeTrue("Debian's mosquitto, mosquitto-clients and openssl are not installed", Mosquitto.available());
        broker = Mosquitto.start(tmp.newFolder("broker").toPath());
        int httpPort = GatewayProcess.freePort();
        a = start(tmp.newFolder("a").toPath(), "default.user=\"\"", "-Dorg.osgi.service.http.port=" + httpPort);
        b = start(tmp.newFolder("b").toPath(), "rules=[\"deny bundle:*;name=ipc.mqtt rw queue:secret\"]");
        a.command("ipc:queuecreate outbox 256 16");
        a.awaitOutput("created queue 'outbox'");
        b.command("ipc:queuecreate inbox 256 16");
        b.awaitOutput("created queue 'inbox'");
        bridge(a, "gw-a", "queue outbox out fleet/orders 1");
        bridge(b, "gw-b", "queue inbox in fleet/orders 1");
        a.awaitOutput("bridge gw-a: connected to " + broker.sslUri());
        b.awaitOutput("bridge gw-b: connected to " + broker.sslUri());
        broker.awaitLog("gw-b 1 fleet/orders", 30);

        a.command("ipc:send outbox 3 routine-from-a");
        a.command("ipc:send outbox 9 urgent-from-a");
        b.command("ipc:receive inbox 20000");
        b.command("ipc:receive inbox 20000");
        b.awaitOutput(": routine-from-a");
        b.awaitOutput(": urgent-from-a");
        String outB = b.output();
        assertTrue(outB, outB.matches("(?s).*priority 3 from bundle \\d+: routine-from-a.*"));
        assertTrue(outB, outB.matches("(?s).*priority 9 from bundle \\d+: urgent-from-a.*"));

        a.command("ipc:mqtt");
        b.command("ipc:mqtt");
        a.awaitOutput("sent 2 received 0 dropped 0");
        b.awaitOutput("sent 0 received 2 dropped 0");
        assertTrue(a.output(), a.output().matches("(?s).*gw-a\\s+connected\\s+" + broker.sslUri() + ".*"));
        String page = bridgePage(a, httpPort);
        assertTrue(page, page.contains("<tr data-client='gw-a'><td>gw-a</td><td class='state-connected'>connected</td><td>"
                + broker.sslUri() + "</td>"));

        b.command("ipc:queuecreate secret 256 16");
        b.awaitOutput("created queue 'secret'");
        bridge(b, "gw-secret", "queue secret in fleet/secret 1");
        b.awaitOutput("MQTT bridge not started");
        assertTrue(b.output(), b.output().matches("(?s).*MQTT bridge not started: PERMISSION_DENIED[^\n]*secret.*"));

        a.command("stop 0");
        b.command("stop 0");
        assertTrue("gateway A stops", a.process.waitFor(60, TimeUnit.SECONDS));
        assertTrue("gateway B stops", b.process.waitFor(60, TimeUnit.SECONDS));
    }

    /** Writes a bridge's configuration into the gateway's conf/ folder (File Install reads it). */
    private void bridge(GatewayProcess g, String client, String mapping) throws Exception {
        Files.write(g.dir.resolve("conf").resolve("org.multios.ipc.mqtt.bridge-" + client + ".cfg"), List.of(
                "broker.uri=\"" + broker.sslUri() + "\"",
                "client.id=\"" + client + "\"",
                "username=\"" + Mosquitto.USER + "\"",
                "password=\"" + Mosquitto.PASSWORD + "\"",
                "trust.certificates=\"" + broker.caFile() + "\"",
                "mappings=[\"" + mapping + "\"]"));
    }

    /**
     * The Web Console's MQTT page of a gateway, fetched with the login it generated, once it answers
     * 200 (the HTTP service and the page come up in their own time).
     */
    private static String bridgePage(GatewayProcess g, int port) throws Exception {
        Path password = g.dir.resolve("conf").resolve("webconsole.password");
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (Files.exists(password)) {
                String login = "admin:" + Files.readString(password).strip();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/system/console/mqtt"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                                    login.getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return r.body();
                    }
                    last = r.statusCode() + " " + r.body();
                } catch (IOException notYet) {
                    last = notYet.toString();  // the HTTP service is not listening yet
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("/system/console/mqtt never answered 200: " + last + "\n" + g.output());
    }

    private static GatewayProcess start(Path dir, String security, String... jvmOptions) throws Exception {
        Files.write(Files.createDirectories(dir.resolve("conf")).resolve("org.multios.ipc.security.cfg"),
                List.of(security));
        GatewayProcess g = GatewayProcess.start(dir, jvmOptions);
        g.awaitOutput("guarding net mechanism");
        return g;
    }
}
