package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.mqtt.test.HoldingProxy;
import org.multios.ipc.mqtt.test.Mosquitto;

/**
 * A gateway SIGKILLed while its MQTT bridge has messages in flight to a real Mosquitto: after its
 * restart every message its console accepted reaches the subscribing gateway, in order per topic,
 * once. Gateway A publishes two queues through a proxy the test controls; gateway B's bridge
 * delivers both topics into its queue {@code inbox}. First the proxy loses the broker's
 * acknowledgements (the messages reach B but stay unacknowledged at A), then also A's packets
 * (the messages vanish on the way), so that A holds its whole window of 16 in flight, half of
 * them already delivered and half never seen by the broker, and 4 more in its store queue, when
 * it is killed.
 */
public class MqttGatewayKillTest {
    private static final Pattern RECEIVED = Pattern.compile("priority 0 from bundle \\d+: ([ab])-(\\d+)");
    private static final int DELIVERED = 5;     // per topic, acknowledged
    private static final int UNACKED = 4;       // per topic, delivered to B, acknowledgement lost
    private static final int SWALLOWED = 6;     // per topic, lost on the way (4 + 4 of them in flight)
    private static final int PER_TOPIC = DELIVERED + UNACKED + SWALLOWED;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Mosquitto broker;
    private HoldingProxy proxy;
    private GatewayProcess a;
    private GatewayProcess b;

    @After
    public void stop() throws Exception {
        for (GatewayProcess g : new GatewayProcess[] {a, b}) {
            if (g != null && g.process.isAlive()) {
                g.process.destroyForcibly();
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test(timeout = 300_000)
    public void aGatewayKilledWithMessagesInFlightDeliversEachAcceptedMessageOnceAfterItsRestart() throws Exception {
        assumeTrue("Debian's mosquitto, mosquitto-clients and openssl are not installed", Mosquitto.available());
        broker = Mosquitto.start(tmp.newFolder("broker").toPath());
        proxy = new HoldingProxy(broker.port());
        Path dirA = tmp.newFolder("a").toPath();
        a = start(dirA);
        b = start(tmp.newFolder("b").toPath());
        a.command("ipc:queuecreate out-a 64 64");
        a.command("ipc:queuecreate out-b 64 64");
        b.command("ipc:queuecreate inbox 64 128");
        a.awaitOutput("created queue 'out-b'");
        b.awaitOutput("created queue 'inbox'");
        bridge(a, "gw-a", proxy.tcpUri(), "queue out-a out fleet/kill/a 1", "queue out-b out fleet/kill/b 1");
        bridge(b, "gw-b", broker.tcpUri(), "queue inbox in fleet/kill/# 1");
        a.awaitOutput("bridge gw-a: connected to " + proxy.tcpUri());
        b.awaitOutput("bridge gw-b: connected to " + broker.tcpUri());
        broker.awaitLog("gw-b 1 fleet/kill/#", 30);

        int accepted = send(a, 0, DELIVERED, 0);
        awaitMqtt(b, "received " + 2 * DELIVERED + " ");
        awaitMqtt(a, "sent " + 2 * DELIVERED + " ");

        proxy.swallowToClient(true);
        accepted = send(a, DELIVERED, DELIVERED + UNACKED, accepted);
        awaitMqtt(b, "received " + 2 * (DELIVERED + UNACKED) + " ");

        proxy.swallowToBroker(true);
        accepted = send(a, DELIVERED + UNACKED, PER_TOPIC, accepted);
        // a window of 16 in flight (8 delivered, 8 swallowed), the rest waiting in the store
        int inStore = 2 * (UNACKED + SWALLOWED) - 16;
        awaitMqtt(a, "queued " + inStore + " sent " + 2 * DELIVERED + " ");

        new ProcessBuilder("kill", "-KILL", Long.toString(a.process.pid())).start().waitFor();
        assertTrue("SIGKILL ends gateway A", a.process.waitFor(30, TimeUnit.SECONDS));
        assertEquals("killed, not stopped", 137, a.process.exitValue());
        proxy.swallowToBroker(false);
        proxy.swallowToClient(false);

        a = GatewayProcess.start(dirA);
        a.awaitOutput("bridge gw-a: connected to " + proxy.tcpUri());
        awaitMqtt(a, "queued 0 ");
        // what B's counters say once everything came; on failure, what it has shows below
        mqttShows(b, "received " + 2 * PER_TOPIC + " ", 60);
        for (int i = 0; i <= 2 * PER_TOPIC; i++) {
            b.command("ipc:receive inbox " + (i < 2 * PER_TOPIC ? 5000 : 200));
        }
        b.awaitOutput("TIMEOUT", 120);
        String out = b.output();

        Map<String, List<Integer>> received = new TreeMap<>();
        Matcher m = RECEIVED.matcher(out);
        while (m.find()) {
            received.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < PER_TOPIC; i++) {
            expected.add(i);
        }
        assertEquals("every accepted message of topic a, in order, once:\n" + out, expected, received.get("a"));
        assertEquals("every accepted message of topic b, in order, once:\n" + out, expected, received.get("b"));
        assertEquals(2 * PER_TOPIC, accepted);
        assertTrue("B dropped the copies of the 8 messages it had before the kill:\n" + out,
                out.contains("received " + 2 * PER_TOPIC + " dropped " + 2 * UNACKED + " (duplicates " + 2 * UNACKED));
        assertFalse("no stack traces:\n" + a.output(), a.output().contains("\tat org."));
        System.out.printf("gateway killed with 16 messages in flight and %d in its store: %d of %d accepted "
                + "messages received once each after its restart, %d duplicates dropped%n", inStore,
                2 * PER_TOPIC, accepted, 2 * UNACKED);
    }

    /**
     * A gateway SIGKILLed while its bridge holds QoS 2 messages for a full queue: the client had
     * answered PUBREC for each, so the broker never sends them again. The bridge recorded each in its
     * held journal before that answer; after the restart it delivers them, in order, once each.
     */
    @Test(timeout = 300_000)
    public void aGatewayKilledWhileHoldingQos2MessagesDeliversThemAfterItsRestart() throws Exception {
        assumeTrue("Debian's mosquitto, mosquitto-clients and openssl are not installed", Mosquitto.available());
        broker = Mosquitto.start(tmp.newFolder("broker").toPath());
        Path dir = tmp.newFolder("h").toPath();
        b = start(dir);
        b.command("ipc:queuecreate held-in 64 1");
        b.awaitOutput("created queue 'held-in'");
        Files.write(b.dir.resolve("conf").resolve("org.multios.ipc.mqtt.bridge-gw-h.cfg"), List.of(
                "broker.uri=\"" + broker.tcpUri() + "\"",
                "client.id=\"gw-h\"",
                "username=\"" + Mosquitto.USER + "\"",
                "password=\"" + Mosquitto.PASSWORD + "\"",
                "inbound.timeout.millis=\"200\"",
                "mappings=[\"queue held-in in fleet/held 2\"]"));
        b.awaitOutput("bridge gw-h: connected to " + broker.tcpUri());
        broker.awaitLog("gw-h 2 fleet/held", 30);
        for (int i = 0; i < 5; i++) {
            broker.publish("-t", "fleet/held", "-q", "2", "-m", "h-" + i);
        }
        awaitMqtt(b, "received 1 ");
        awaitMqtt(b, "held 4 ");

        new ProcessBuilder("kill", "-KILL", Long.toString(b.process.pid())).start().waitFor();
        assertTrue("SIGKILL ends the gateway", b.process.waitFor(30, TimeUnit.SECONDS));
        assertEquals("killed, not stopped", 137, b.process.exitValue());

        b = GatewayProcess.start(dir);
        b.awaitOutput("bridge gw-h: connected to " + broker.tcpUri());
        for (int i = 0; i <= 5; i++) {
            b.command("ipc:receive held-in " + (i < 5 ? 5000 : 500));
        }
        b.awaitOutput("TIMEOUT", 120);
        String out = b.output();
        List<String> received = new ArrayList<>();
        Matcher m = Pattern.compile("priority 0 from bundle \\d+: (h-\\d+)").matcher(out);
        while (m.find()) {
            received.add(m.group(1));
        }
        assertEquals("the message in the queue, then the 4 held, in order, once each:\n" + out,
                List.of("h-0", "h-1", "h-2", "h-3", "h-4"), received);
        awaitMqtt(b, "held 0 ");
        assertFalse("no stack traces:\n" + out, out.contains("\tat org."));
    }

    /** Sends {@code a-i} and {@code b-i} for i in [from, to) at A's console; waits until each is confirmed. */
    private static int send(GatewayProcess g, int from, int to, int acceptedBefore) throws Exception {
        for (int i = from; i < to; i++) {
            g.command("ipc:send out-a 0 a-" + i);
            g.command("ipc:send out-b 0 b-" + i);
        }
        int accepted = acceptedBefore + 2 * (to - from);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count(g.output(), "bytes at priority 0") < accepted) {
            assertTrue("sends confirmed:\n" + g.output(), System.nanoTime() < deadline);
            Thread.sleep(50);
        }
        return accepted;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Asks {@code ipc:mqtt} until its answer holds {@code text}, for up to a minute. */
    private static void awaitMqtt(GatewayProcess g, String text) throws Exception {
        assertTrue("no '" + text + "' from ipc:mqtt:\n" + g.output(), mqttShows(g, text, 60));
    }

    /** Asks {@code ipc:mqtt} until its answer holds {@code text}; false if it does not within the time. */
    private static boolean mqttShows(GatewayProcess g, String text, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int asked = count(g.output(), "connections ");
        while (true) {
            g.command("ipc:mqtt");
            asked++;
            while (count(g.output(), "connections ") < asked) {
                assertTrue("gateway answers:\n" + g.output(), System.nanoTime() < deadline);
                Thread.sleep(20);
            }
            String out = g.output();
            if (out.substring(out.lastIndexOf("\n", out.lastIndexOf("connections ")) + 1).contains(text)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
    }

    /** Writes a bridge's configuration into the gateway's conf/ folder (File Install reads it). */
    private static void bridge(GatewayProcess g, String client, String uri, String... mappings) throws Exception {
        StringBuilder list = new StringBuilder();
        for (String mapping : mappings) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(mapping).append('"');
        }
        Files.write(g.dir.resolve("conf").resolve("org.multios.ipc.mqtt.bridge-" + client + ".cfg"), List.of(
                "broker.uri=\"" + uri + "\"",
                "client.id=\"" + client + "\"",
                "username=\"" + Mosquitto.USER + "\"",
                "password=\"" + Mosquitto.PASSWORD + "\"",
                "mappings=[" + list + "]"));
    }

    private static GatewayProcess start(Path dir) throws Exception {
        Files.write(Files.createDirectories(dir.resolve("conf")).resolve("org.multios.ipc.security.cfg"),
                List.of("default.user=\"\""));
        GatewayProcess g = GatewayProcess.start(dir);
        g.awaitOutput("guarding net mechanism");
        return g;
    }
}
