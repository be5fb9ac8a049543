package org.multios.ipc.integration;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The gateway's Gogo console over SSH, driven by Debian's OpenSSH client as an operator would:
 * an admin account runs the queue commands with and without a pseudo-terminal; a wrong key, an
 * unknown account and a password login are refused and audited; a read-only account lists but
 * cannot unlink; connections beyond the limit are refused with a message while the gateway goes
 * on; idle sessions are closed; the host key is kept across restarts; and a gateway whose
 * standard input is closed (a service) is administered, and stopped, over SSH alone.
 */
public class SshConsoleTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Path dir;
    private GatewayProcess gateway;
    private SshClient client;
    private Path admin;
    private Path monitor;
    private Path stranger;

    @Before
    public void prepare() throws Exception {
        SshClient.assumeInstalled();
        dir = tmp.newFolder("gateway").toPath();
        GatewayProcess.shippedConf(dir);
    }

    @After
    public void stop() throws Exception {
        if (gateway != null) {
            gateway.stop();
        }
    }

    /**
     * Configures the console with the settings, makes the three keys, authorizes two, starts.
     * Both accounts act as users of the group ops, so that each sees the other's objects.
     */
    private void start(String... settings) throws Exception {
        security("operator.identities=[\"ssh:alice=alice:ops\", \"ssh:nagios=nagios:ops\"]");
        client = SshClient.configure(dir, settings);
        admin = client.newKey("alice");
        monitor = client.newKey("nagios");
        stranger = client.newKey("stranger");
        authorize(client.authorized(admin, "user=alice,role=admin"), client.authorized(monitor, "user=nagios"));
        gateway = GatewayProcess.start(dir);
        gateway.awaitOutput("SSH console listening on 127.0.0.1:" + client.port);
    }

    /** Adds typed settings to the gateway's security configuration. */
    private void security(String... settings) throws Exception {
        Files.write(dir.resolve("conf/org.multios.ipc.security.cfg"), List.of(settings), StandardOpenOption.APPEND);
    }

    private void authorize(String... lines) throws Exception {
        List<String> all = new ArrayList<>(List.of("# the gateway's operators"));
        all.addAll(List.of(lines));
        Files.write(dir.resolve("conf/ssh/authorized_keys"), all);
    }

    @Test(timeout = 300_000)
    public void eachAccountActsAsItsOwnIdentityUnderThePolicyAndTheAuditNamesIt() throws Exception {
        security("operator.identities=[\"ssh:alice=alice:ops\", \"ssh:bob=bob:ops\"]",
                "rules=[\"allow user:alice rw queue:orders\", \"deny user:bob * queue:orders\"]");
        client = SshClient.configure(dir);
        admin = client.newKey("alice");
        Path bob = client.newKey("bob", "ed25519");
        authorize(client.authorized(admin, "user=alice,role=admin"), client.authorized(bob, "user=bob,role=admin"));
        gateway = GatewayProcess.start(dir);
        gateway.awaitOutput("SSH console listening on 127.0.0.1:" + client.port);
        gateway.command("ipc:queuecreate orders 128 8"); // the console's own: owner and group root, mode 0660
        gateway.awaitOutput("created queue 'orders'");

        SshClient.Result allowed = client.ssh(admin, "alice", "ipc:send", "orders", "1", "from-alice");
        assertEquals(allowed.output(), 0, allowed.exit());
        assertTrue(allowed.output(), allowed.output().contains("sent 10 bytes at priority 1"));
        SshClient.Result denied = client.ssh(bob, "bob", "ipc:send", "orders", "1", "from-bob");
        assertNotEquals("bob, logged in with an Ed25519 key, is denied:\n" + denied.output(), 0, denied.exit());
        assertTrue(denied.output(), denied.output().contains("PERMISSION_DENIED"));
        SshClient.Result received = client.ssh(admin, "alice", "ipc:receive", "orders", "1000");
        assertTrue(received.output(), received.output().contains(": from-alice"));

        gateway.awaitOutput("ssh:bob acts as peer ");
        gateway.awaitOutput("(user bob, groups ops)");
        gateway.awaitOutput("as bob to write to queue 'orders'");
        assertTrue(gateway.output(), gateway.output().matches("(?s).*ipc\\.audit - DENIED peer \\d+ "
                + "\\(ssh:bob from /127\\.0\\.0\\.1:\\d+\\) as bob to write to queue 'orders'.*"));
        assertFalse(gateway.output(), gateway.output().matches("(?s).*DENIED[^\n]*ssh:alice.*"));
    }

    @Test(timeout = 300_000)
    public void anAdminRunsQueueCommandsWithAndWithoutATerminal() throws Exception {
        start();
        SshClient.Result created = client.ssh(admin, "alice", "ipc:queuecreate", "orders", "128", "8");
        assertEquals(created.output(), 0, created.exit());
        assertTrue(created.output(), created.output().contains("created queue 'orders'"));
        SshClient.Result sent = client.ssh(admin, "alice", "ipc:send", "orders", "5", "ship-it");
        assertTrue(sent.output(), sent.output().contains("sent 7 bytes at priority 5"));
        SshClient.Result listed = client.ssh(admin, "alice", "ipc:objects");
        assertTrue(listed.output(), listed.output().matches("(?s).*queue +orders .*"));

        SshClient.Result terminal = client.ssh(admin, "alice", "ipc:receive orders 5000\nipc:objects queue\nexit\n",
                List.of("-tt"));
        assertTrue(terminal.output(), terminal.output().contains("priority 5 from "));
        assertTrue(terminal.output(), terminal.output().contains(": ship-it"));
        assertTrue("a terminal gets CR LF line ends:\n" + terminal.output(),
                terminal.output().matches("(?s).*queue +orders [^\n]*\r\n.*"));
        assertTrue(gateway.output(), gateway.output().contains("ipc.audit - ssh login: alice (admin) from /127.0.0.1"));
        assertTrue(gateway.output(), gateway.output().contains("ssh:alice (admin) runs: ipc:receive orders 5000"));
    }

    @Test(timeout = 300_000)
    public void aWrongKeyAnUnknownAccountAndAPasswordLoginAreRefusedAndAudited() throws Exception {
        start();
        SshClient.Result wrongKey = client.ssh(stranger, "alice", "ipc:objects");
        assertEquals(wrongKey.output(), 255, wrongKey.exit());
        assertTrue(wrongKey.output(), wrongKey.output().contains("Permission denied (publickey)"));
        SshClient.Result unknown = client.ssh(admin, "mallory", "ipc:objects");
        assertEquals(unknown.output(), 255, unknown.exit());
        SshClient.Result password = client.ssh(admin, "alice", "", List.of("-o", "PubkeyAuthentication=no",
                "-o", "PreferredAuthentications=password,keyboard-interactive"), "ipc:objects");
        assertEquals(password.output(), 255, password.exit());
        assertTrue("only public keys are offered:\n" + password.output(),
                password.output().contains("Permission denied (publickey)"));

        gateway.awaitOutput("ssh login refused: alice from /127.0.0.1");
        gateway.awaitOutput("key not authorized for this account");
        gateway.awaitOutput("ssh login refused: mallory from /127.0.0.1");
        gateway.awaitOutput("unknown account");
        gateway.awaitOutput("no public key offered (only public keys are accepted)");
        assertFalse(gateway.output(), gateway.output().contains("ssh login: "));
    }

    @Test(timeout = 300_000)
    public void aReadOnlyAccountListsButIsRefusedUnlink() throws Exception {
        start();
        assertEquals(0, client.ssh(admin, "alice", "ipc:queuecreate", "metrics", "64", "4").exit());

        SshClient.Result listed = client.ssh(monitor, "nagios", "ipc:objects");
        assertEquals(listed.output(), 0, listed.exit());
        assertTrue(listed.output(), listed.output().matches("(?s).*queue +metrics .*"));
        SshClient.Result unlink = client.ssh(monitor, "nagios", "ipc:unlink", "queue", "metrics");
        assertNotEquals(unlink.output(), 0, unlink.exit());
        assertTrue(unlink.output(), unlink.output().contains("refused: this account may only run listing commands"));
        SshClient.Result smuggled = client.ssh(monitor, "nagios", "ipc:objects;", "ipc:unlink", "queue", "metrics");
        assertNotEquals(smuggled.output(), 0, smuggled.exit());
        SshClient.Result inTerminal = client.ssh(monitor, "nagios", "ipc:unlink queue metrics\n"
                + "ipc:objects (ipc:unlink queue metrics)\nexit\n", List.of("-tt"));
        assertTrue(inTerminal.output(), inTerminal.output().contains("refused: this account"));

        assertTrue("the queue is still there", client.ssh(admin, "alice", "ipc:objects").output()
                .matches("(?s).*queue +metrics .*"));
        assertTrue(gateway.output(), gateway.output().contains("ssh:nagios (read-only) refused: ipc:unlink queue metrics"));
    }

    @Test(timeout = 300_000)
    public void connectionsBeyondTheLimitAreRefusedAndTheGatewayGoesOn() throws Exception {
        start("sessions.max=I\"3\"");
        List<Process> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                held.add(client.holdSession(admin, "alice"));
            }
            awaitLogins(3);
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                List<Future<SshClient.Result>> extra = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    extra.add(pool.submit(() -> client.ssh(admin, "alice", "ipc:queuecreate", "flood", "64", "4")));
                }
                for (Future<SshClient.Result> f : extra) {
                    SshClient.Result r = f.get(120, TimeUnit.SECONDS);
                    assertEquals(r.output(), 255, r.exit());
                    assertTrue(r.output(), r.output().contains("too many SSH sessions on this gateway (limit 3)"));
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            for (Process p : held) {
                p.getOutputStream().close();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        assertFalse("nothing the refused ones asked was done", gateway.output().contains("runs: ipc:queuecreate flood"));
        awaitLogouts(3);
        SshClient.Result after = client.ssh(admin, "alice", "ipc:queuecreate", "after", "64", "4");
        assertTrue("a session is admitted again:\n" + after.output(), after.output().contains("created queue 'after'"));
        gateway.command("ipc:objects");
        gateway.awaitOutput("queue  after ");
    }

    @Test(timeout = 300_000)
    public void anIdleSessionIsClosed() throws Exception {
        start("idle.timeout=I\"2\"");
        Process idle = client.holdSession(admin, "alice");
        try {
            assertTrue("the idle session was closed by the gateway", idle.waitFor(60, TimeUnit.SECONDS));
        } finally {
            idle.destroyForcibly();
        }
        gateway.awaitOutput("ssh logout: alice");
    }

    @Test(timeout = 300_000)
    public void theHostKeyIsPrivateAndKeptAcrossRestarts() throws Exception {
        start();
        assertEquals(0, client.ssh(admin, "alice", "ipc:objects").exit());
        Path hostKey = dir.resolve("conf/ssh/host_key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(hostKey)));
        byte[] key = Files.readAllBytes(hostKey);
        gateway.stop();
        gateway = GatewayProcess.start(dir);
        gateway.awaitOutput("SSH console listening on");
        assertTrue(java.util.Arrays.equals(key, Files.readAllBytes(hostKey)));
        SshClient.Result again = client.ssh(admin, "alice", "", List.of("-o", "StrictHostKeyChecking=yes"), "ipc:objects");
        assertEquals("the known host key still matches:\n" + again.output(), 0, again.exit());
    }

    @Test(timeout = 300_000)
    public void aGatewayRunningAsAServiceIsAdministeredOverSsh() throws Exception {
        start();
        gateway.process.getOutputStream().close(); // standard input closed, as for a service
        assertFalse("the gateway goes on without standard input", gateway.process.waitFor(2, TimeUnit.SECONDS));

        assertEquals(0, client.ssh(admin, "alice", "ipc:semcreate", "ready", "0").exit());
        assertEquals(0, client.ssh(admin, "alice", "ipc:queuecreate", "jobs", "64", "4").exit());
        assertEquals(0, client.ssh(admin, "alice", "ipc:send", "jobs", "1", "first").exit());
        assertTrue(client.ssh(admin, "alice", "ipc:receive", "jobs", "1000").output().contains(": first"));
        assertEquals(0, client.ssh(admin, "alice", "ipc:unlink", "semaphore", "ready").exit());
        assertTrue(client.ssh(admin, "alice", "lb").output().contains("MultiOS IPC Shell"));
        assertTrue(client.ssh(admin, "alice", "ipc:objects").output().matches("(?s).*queue +jobs .*"));

        client.ssh(admin, "alice", "stop", "0");
        assertTrue("'stop 0' over SSH stops the gateway", gateway.process.waitFor(60, TimeUnit.SECONDS));
        assertTrue(gateway.output(), gateway.output().contains("IPC security stopped"));
    }

    private void awaitLogins(int n) throws Exception {
        awaitCount("ipc.audit - ssh login: ", n);
    }

    private void awaitLogouts(int n) throws Exception {
        awaitCount("ipc.audit - ssh logout: ", n);
    }

    private void awaitCount(String text, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (gateway.output().split(java.util.regex.Pattern.quote(text), -1).length - 1 < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(n + " times '" + text + "' expected in:\n" + gateway.output());
            }
            Thread.sleep(50);
        }
    }
}
