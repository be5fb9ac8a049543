package org.multios.ipc.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logins against a real SSHD server on loopback, with MINA's SSH client and plain sockets as the
 * peers: connections that never log in must not keep an operator with a key out.
 */
@Timeout(60)
class SshLoginsTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private SshServer server;
    private SshClient client;
    private KeyPair alice;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        alice = g.generateKeyPair();
        Path keys = Files.createDirectory(dir.resolve("ssh")).resolve("authorized_keys");
        Files.writeString(keys, "user=alice,role=admin " + PublicKeyEntry.toString(alice.getPublic()) + " alice\n");
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(HostKey.at(dir.resolve("ssh/host_key")));
        SshLogins.install(server, new AuthorizedKeys(keys), 2);
        server.start();
        client = SshClient.setUpDefaultClient();
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        client.stop();
        server.stop(true);
    }

    private ClientSession login() throws IOException {
        ClientSession s = client.connect("alice", "127.0.0.1", server.getPort()).verify(WAIT).getSession();
        open.add(s);
        s.addPublicKeyIdentity(alice);
        s.auth().verify(WAIT);
        return s;
    }

    @Test
    void connectionsThatNeverLogInDoNotKeepAnOperatorOut() throws Exception {
        for (int i = 0; i < 10; i++) {
            Socket idle = new Socket();
            idle.connect(new InetSocketAddress("127.0.0.1", server.getPort()), 10_000);
            idle.getOutputStream().write("SSH-2.0-idle\r\n".getBytes(StandardCharsets.US_ASCII));
            open.add(idle);
        }
        assertThat(login().isAuthenticated()).as("alice logs in past 10 idle connections").isTrue();
    }

    @Test
    void sessionsOfferingAnOperatorsPublicKeyWithoutItsPrivateKeyDoNotKeepItOut() throws Exception {
        // public keys are public: offering alice's is accepted until the signature is checked
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        KeyPair forged = new KeyPair(alice.getPublic(), g.generateKeyPair().getPrivate());
        for (int i = 0; i < 4; i++) {
            ClientSession s = client.connect("alice", "127.0.0.1", server.getPort()).verify(WAIT).getSession();
            open.add(s);
            s.addPublicKeyIdentity(forged);
            assertThatThrownBy(() -> s.auth().verify(WAIT)).isInstanceOf(IOException.class);
        }
        assertThat(login().isAuthenticated()).as("alice logs in past 4 forged sessions, limit 2").isTrue();
    }

    @Test
    void aUserNameCannotForgeAnAuditLine() throws Exception {
        // OpenSSH's client refuses such a name; any other client may send it
        String forged = "mallory\n2026-12-03 04:00:00.000 [main] INFO ipc.audit - ssh login: alice (admin) "
                + "from /10.0.0.1";
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ClientSession s = client.connect(forged, "127.0.0.1", server.getPort()).verify(WAIT).getSession();
            open.add(s);
            s.addPublicKeyIdentity(alice);
            assertThatThrownBy(() -> s.auth().verify(WAIT)).isInstanceOf(IOException.class);
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        System.err.print(log);
        assertThat(log).contains("ssh login refused: mallory\\n2026-12-03");
        // (the client's own log prints the name as it is, with what it adds after it)
        assertThat(log.lines()).as("a line the server wrote that starts with the forged text")
                .noneMatch(l -> l.startsWith("2026-12-03 04:00:00.000") && l.endsWith("unknown account"));
    }

    @Test
    void theLimitCountsLoggedInSessions() throws Exception {
        login();
        login();
        assertThatThrownBy(this::login).as("a third session, limit 2").isInstanceOf(IOException.class);
        open.remove(open.size() - 1).close();
        ((ClientSession) open.remove(0)).close();
        assertThat(login().isAuthenticated()).as("a place was given back").isTrue();
    }
}
