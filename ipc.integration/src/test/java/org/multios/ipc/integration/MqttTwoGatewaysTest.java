package org.multios.ipc.integration;

import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * ipc:mqtt} shows both bridges connected with their counts. A bridge is a caller of its own: a
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
        a = start(tmp.newFolder("a").toPath(), "default.user=\"\"");
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

    private static GatewayProcess start(Path dir, String security) throws Exception {
        Files.write(Files.createDirectories(dir.resolve("conf")).resolve("org.multios.ipc.security.cfg"),
                List.of(security));
        GatewayProcess g = GatewayProcess.start(dir);
        g.awaitOutput("guarding net mechanism");
        return g;
    }
}
