package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.multios.ipc.mqtt.test.Mosquitto;

/**
 * {@code ipc:example mqtt <broker> user password} typed at a gateway's console, as a user would:
 * against a real Mosquitto the example's messages go through the broker and back into a queue
 * at their priorities, and nothing of the run is left (no queue, no bridge configuration); against
 * a broker that is not there the command ends, within its bounded wait, with an error naming the
 * broker, and the gateway goes on.
 */
public class MqttExampleGatewayTest {
    private static final Pattern RECEIVED = Pattern.compile("received priority (\\d+) through (\\S+): (.+)");

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Mosquitto broker;
    private GatewayProcess gateway;

    @After
    public void stop() throws Exception {
        if (gateway != null && gateway.process.isAlive()) {
            gateway.process.destroyForcibly();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test(timeout = 180_000)
    public void theMqttExampleRunsThroughTheBrokerGivenOnTheCommandLine() throws Exception {
        assumeTrue("Debian's mosquitto, mosquitto-clients and openssl are not installed", Mosquitto.available());
        broker = Mosquitto.start(tmp.newFolder("broker").toPath());
        Path dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
        gateway = GatewayProcess.start(dir);
        gateway.awaitOutput("guarding net mechanism");

        gateway.command("ipc:examples");
        gateway.awaitOutput("ipc:example mqtt <broker-uri> [user password]");
        gateway.command("ipc:ipc");
        gateway.awaitOutput("ipc:example <the example's name: mqtt> <the broker's URI, for example tcp://127.0.0.1:1883>"
                + " <the user name the broker knows> <that user's password> - runs the MQTT example");
        gateway.command("ipc:example mqtt " + broker.tcpUri() + " " + Mosquitto.USER + " " + Mosquitto.PASSWORD);
        gateway.awaitOutput("configurations deleted, queues unlinked", 90);
        String out = gateway.output();
        assertTrue(out, out.contains("bridges connected to " + broker.tcpUri()));
        assertTrue(out, out.contains("sent     priority 31: smoke alarm"));
        Matcher received = RECEIVED.matcher(out);
        StringBuilder through = new StringBuilder();
        while (received.find()) {
            assertEquals(out, broker.tcpUri(), received.group(2));
            through.append(received.group(1)).append(' ').append(received.group(3)).append('\n');
        }
        String got = through.toString();
        assertEquals(out, 3, got.lines().count());
        for (String expected : new String[] {"0 temperature 21.5", "10 door open", "31 smoke alarm"}) {
            assertTrue("each message comes back at its priority:\n" + out, got.contains(expected + "\n"));
        }
        assertTrue("the bridge published through the broker:\n" + broker.log(), broker.log().contains("multios/example/"));

        gateway.command("ipc:objects");
        gateway.awaitOutput("no objects");
        try (Stream<Path> confFiles = Files.list(dir.resolve("conf"))) {
            assertFalse("no bridge configuration is left", confFiles.anyMatch(
                    f -> f.getFileName().toString().startsWith("org.multios.ipc.mqtt.bridge")));
        }

        int closed = GatewayProcess.freePort();
        String absent = "tcp://127.0.0.1:" + closed;
        long start = System.nanoTime();
        gateway.command("ipc:example mqtt " + absent + " " + Mosquitto.USER + " " + Mosquitto.PASSWORD);
        gateway.awaitOutput("MQTT broker " + absent + " not reached within 15 s", 60);
        assertTrue("the error comes within the example's bound, not a broker's or TCP's own timeouts",
                System.nanoTime() - start < TimeUnit.SECONDS.toNanos(45));
        assertTrue(gateway.output(), gateway.output().contains("UNAVAILABLE"));
        int before = gateway.output().length();
        gateway.command("ipc:objects");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!gateway.output().substring(before).contains("no objects")) {
            assertTrue("the failed run left no objects:\n" + gateway.output(), System.nanoTime() < deadline);
            Thread.sleep(50);
        }

        gateway.command("stop 0");
        assertTrue("the gateway stops", gateway.process.waitFor(60, TimeUnit.SECONDS));
    }
}
