package org.multios.ipc.integration;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Two gateways in two JVMs, each with its own IPC root: gateway A exports its queue
 * {@code orders} on TCP loopback through a bridge configured by a file, and maps a token to the
 * user {@code partner}, whom a rule lets use that queue; gateway B's operator sends to it from
 * the console with the token (and is refused with a wrong one); A's operator receives the
 * message with its priority.
 */
public class TwoGatewaysTest {
    private static final String SECRET = "partner-secret-of-the-test";

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private GatewayProcess a;
    private GatewayProcess b;

    @After
    public void stop() {
        for (GatewayProcess g : new GatewayProcess[] {a, b}) {
            if (g != null && g.process.isAlive()) {
                g.process.destroyForcibly();
            }
        }
    }

    @Test(timeout = 180_000)
    public void aQueueIsBridgedFromOneGatewayToAnother() throws Exception {
        int bridgePort = GatewayProcess.freePort();
        a = start(tmp.newFolder("a").toPath(), List.of(
                "peer.tokens=[\"sha256:" + sha256(SECRET) + "=partner:partners\"]",
                "rules=[\"allow user:partner rw queue:orders\"]"));
        b = start(tmp.newFolder("b").toPath(), List.of());
        a.command("ipc:rules");
        a.awaitOutput("allow user:partner rw queue:orders");
        a.command("ipc:queuecreate orders 256 16");
        a.awaitOutput("created queue 'orders'");
        Files.writeString(a.dir.resolve("conf").resolve("org.multios.ipc.net.bridge-orders.cfg"), String.join("\n",
                "endpoint=tcp://127.0.0.1:" + bridgePort, "type=queue", "name=orders", ""));
        a.awaitOutput("exporting queue 'orders' on tcp://127.0.0.1:" + bridgePort);

        String bridge = "tcp://127.0.0.1:" + bridgePort;
        b.command("ipc:remotesend " + bridge + " orders 9 wrong-token-first wrong-token");
        b.command("ipc:remotesend " + bridge + " orders 5 hello-from-b " + SECRET);
        b.command("stop 0");
        assertTrue("gateway B stops", b.process.waitFor(60, TimeUnit.SECONDS));
        String outB = Files.readString(b.output);
        assertTrue(outB, outB.contains("PERMISSION_DENIED"));
        assertTrue(outB + "\n--- gateway A:\n" + Files.readString(a.output),
                outB.contains("sent 12 bytes at priority 5 to " + bridge));

        a.command("ipc:receive orders 5000");
        a.command("ipc:receive orders 200");
        a.command("stop 0");
        assertTrue("gateway A stops", a.process.waitFor(60, TimeUnit.SECONDS));
        String outA = Files.readString(a.output);
        assertTrue(outA, outA.matches("(?s).*priority 5 from remote \\d+: hello-from-b.*"));
        assertFalse("only the authenticated message arrived:\n" + outA, outA.contains("wrong-token-first"));
        assertTrue("the second receive finds the queue empty:\n" + outA, outA.contains("TIMEOUT"));
    }

    private static GatewayProcess start(Path dir, List<String> security) throws Exception {
        Files.write(Files.createDirectories(dir.resolve("conf")).resolve("org.multios.ipc.security.cfg"), security);
        GatewayProcess g = GatewayProcess.start(dir);
        g.awaitOutput("guarding net mechanism");
        return g;
    }

    private static String sha256(String secret) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.UTF_8)));
    }
}
