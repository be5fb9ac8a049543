package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.AuthToken;
import org.multios.ipc.net.Bridge;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * TLS on TCP as a client and an attacker meet it: frames and the token cross inside TLS, the
 * listener proves itself before the token leaves (a port squatter with another certificate
 * gets nothing), expired and untrusted certificates, plaintext and TLS crossing each other,
 * plaintext beyond loopback, and client certificates whose subject reaches the authority.
 */
@Timeout(value = 60, threadMode = ThreadMode.SEPARATE_THREAD)
class TlsConnectionTest extends NetTestSupport {
    static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    static final AuthToken TOKEN = AuthToken.of("tls-test-secret");
    private static final Endpoint LOOPBACK = Endpoint.tcp("127.0.0.1", 0);

    TestCertificates certs;
    TestCertificates.Issued ca;
    TestCertificates.Issued server;

    @BeforeEach
    void makeCertificates() throws Exception {
        certs = new TestCertificates(tempDir.resolve("certs"));
        ca = certs.authority("test-ca");
        server = certs.leaf(ca, "server", "localhost");
    }

    static NetSettings settings(Object... keysAndValues) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.put((String) keysAndValues[i], keysAndValues[i + 1] instanceof Path f ? f.toString()
                    : keysAndValues[i + 1]);
        }
        return NetSettings.of(p);
    }

    NetSettings serverSettings() {
        return settings("tls.certificate", server.chain(), "tls.key", server.key());
    }

    @Test
    void framesAndTheTokenCrossInsideTls() {
        RecordingAuthority authority = new RecordingAuthority(TOKEN);
        NetService listening = context(serverSettings(), authority).service(NetService.class);
        NetService connecting = context(NetSettings.DEFAULTS).service(NetService.class);
        try (Listener listener = listening.listen(LOOPBACK, OPEN);
                Connection client = connecting.connect(listener.endpoint(),
                        ConnectOptions.DEFAULTS.withToken(TOKEN).withTrust(ca.certificate()));
                Connection accepted = listener.accept(Duration.ofSeconds(10))) {
            exchange(client, accepted);
        }
        assertThat(authority.tokens).containsExactly(TOKEN);
        assertThat(authority.subjects).containsExactly(Optional.empty());
        assertThat(reactorFaults()).isZero();
    }

    @Test
    void aBridgeServesItsQueueInsideTls() {
        IpcContext server = context(serverSettings());
        MessageQueue local = server.service(MessageQueueService.class).create("tls-orders",
                QueueOptions.of(64, 8).withMode(0666));
        try (Bridge bridge = server.service(NetService.class).exportQueue("tls-orders", LOOPBACK, OPEN)) {
            assertIpcError(IpcError.PROTOCOL_ERROR, () -> net().openRemoteQueue(bridge.endpoint(), "tls-orders",
                    ConnectOptions.DEFAULTS));
            try (MessageQueue remote = net().openRemoteQueue(bridge.endpoint(), "tls-orders",
                    ConnectOptions.DEFAULTS.withTrust(ca.certificate()))) {
                remote.send("sealed".getBytes(StandardCharsets.UTF_8), 0, 6, 4);
                byte[] buf = new byte[64];
                MessageInfo info = new MessageInfo();
                int n = local.receive(buf, 0, buf.length, info, Duration.ofSeconds(10));
                assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("sealed");
                assertThat(info.priority()).isEqualTo(4);
            }
        }
    }

    @Test
    void aPkcs12CertificateServesAsWellAsPem() throws Exception {
        Path p12 = certs.pkcs12(server, "server");
        NetService listening = context(settings("tls.certificate", p12, "tls.password", TestCertificates.PASSWORD))
                .service(NetService.class);
        try (Listener listener = listening.listen(LOOPBACK, OPEN);
                Connection client = net().connect(listener.endpoint(),
                        ConnectOptions.DEFAULTS.withTrust(ca.certificate()));
                Connection accepted = listener.accept(Duration.ofSeconds(10))) {
            exchange(client, accepted);
        }
    }

    @Test
    void aPortSquatterWithAnotherCertificateNeverSeesTheToken() throws Exception {
        TestCertificates.Issued other = certs.leaf(certs.authority("other-ca"), "squatter", "localhost");
        SSLContext squatterTls = serverContext(certs.pkcs12(other, "squatter"));
        try (SSLServerSocket squatter = (SSLServerSocket) squatterTls.getServerSocketFactory()
                .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CompletableFuture<String> heard = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) squatter.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] got = in.readNBytes(64);
                    return "read " + got.length + " bytes";
                } catch (IOException e) {
                    return "failed: " + e.getMessage();
                }
            });
            Endpoint there = Endpoint.tcp("127.0.0.1", squatter.getLocalPort());
            assertIpcError(IpcError.PERMISSION_DENIED, () -> net().connect(there,
                    ConnectOptions.DEFAULTS.withToken(TOKEN).withTrust(ca.certificate())));
            // the squatter's handshake fails and it reads no byte of ours: it gets the client's alert
            // (certificate_unknown), or a broken pipe when the client closed while the squatter was
            // still writing its own flight (a race of the two sockets, not of what was sent)
            assertThat(heard.get(20, TimeUnit.SECONDS)).startsWith("failed: ")
                    .containsAnyOf("certificate", "Broken pipe", "Connection reset");
        }
    }

    @Test
    void anUntrustedCertificateIsRefusedWithTheReason() {
        NetService listening = context(serverSettings()).service(NetService.class);
        Path otherCa;
        try {
            otherCa = certs.authority("unrelated-ca").certificate();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        try (Listener listener = listening.listen(LOOPBACK, OPEN)) {
            assertThat(catchIpc(() -> net().connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withTrust(otherCa))))
                    .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                    .hasMessageContaining("the TLS handshake failed").hasMessageContaining("PKIX");
            assertThat(listener.tryAccept()).isEmpty();
        }
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        Path expired = certs.pkcs12(certs.expiredLeaf(ca, "expired"), "expired");
        NetService listening = context(settings("tls.certificate", expired, "tls.password", TestCertificates.PASSWORD))
                .service(NetService.class);
        try (Listener listener = listening.listen(LOOPBACK, OPEN)) {
            assertThat(catchIpc(() -> net().connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withTrust(ca.certificate()))))
                    .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                    .hasMessageContaining("validity check failed");
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefused() throws Exception {
        TestCertificates.Issued elsewhere = certs.leafFor(ca, "elsewhere", "DNS:ipc.example.org");
        NetService listening = context(settings("tls.certificate", elsewhere.chain(), "tls.key", elsewhere.key()))
                .service(NetService.class);
        try (Listener listener = listening.listen(LOOPBACK, OPEN)) {
            assertThat(catchIpc(() -> net().connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withTrust(ca.certificate()))))
                    .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void plaintextToATlsListenerIsRefusedClearly() {
        NetService listening = context(serverSettings()).service(NetService.class);
        try (Listener listener = listening.listen(LOOPBACK, OPEN)) {
            assertThat(catchIpc(() -> net().connect(listener.endpoint())))
                    .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PROTOCOL_ERROR))
                    .hasMessageContaining("speaks TLS");
            assertThat(listener.tryAccept()).isEmpty();
        }
    }

    @Test
    void tlsToAPlaintextListenerIsRefusedClearly() {
        try (Listener listener = net().listen(LOOPBACK, OPEN)) {
            assertThat(catchIpc(() -> net().connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withToken(TOKEN).withTrust(ca.certificate()))))
                    .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PROTOCOL_ERROR))
                    .hasMessageContaining("speaks plaintext");
            assertThat(listener.tryAccept()).isEmpty();
        }
    }

    @Test
    void plaintextTcpBeyondLoopbackIsRefusedUnlessAllowed() {
        Endpoint everywhere = Endpoint.tcp("0.0.0.0", 0);
        assertThat(catchIpc(() -> net().listen(everywhere, OPEN)))
                .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("tcp.plaintext.allowed");
        assertThat(catchIpc(() -> net().connect(Endpoint.tcp("192.0.2.1", 9))))
                .satisfies(e -> assertThat(e.error()).isEqualTo(IpcError.PERMISSION_DENIED))
                .hasMessageContaining("withTls");
        NetService allowed = context(settings("tcp.plaintext.allowed", true)).service(NetService.class);
        try (Listener listener = allowed.listen(everywhere, OPEN)) {
            assertThat(listener.endpoint().port()).isPositive();
        }
        NetService secure = context(serverSettings()).service(NetService.class);
        try (Listener listener = secure.listen(everywhere, OPEN);
                Connection client = net().connect(Endpoint.tcp("127.0.0.1", listener.endpoint().port()),
                        ConnectOptions.DEFAULTS.withTrust(ca.certificate()));
                Connection accepted = listener.accept(Duration.ofSeconds(10))) {
            exchange(client, accepted);
        }
    }

    @Test
    void aClientCertificateSubjectReachesTheAuthority() throws Exception {
        TestCertificates.Issued alice = certs.leaf(ca, "alice", "alice");
        RecordingAuthority authority = new RecordingAuthority(TOKEN);
        NetService listening = context(settings("tls.certificate", server.chain(), "tls.key", server.key(),
                "tls.client.auth", "need", "tls.client.trust", ca.certificate()), authority)
                .service(NetService.class);
        NetService asAlice = context(settings("tls.certificate", alice.chain(), "tls.key", alice.key()))
                .service(NetService.class);
        try (Listener listener = listening.listen(LOOPBACK, OPEN)) {
            try (Connection client = asAlice.connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withTrust(ca.certificate()));
                    Connection accepted = listener.accept(Duration.ofSeconds(10))) {
                exchange(client, accepted);
            }
            assertThat(authority.subjects).containsExactly(Optional.of("O=MultiOS Test,CN=alice"));

            // Without a certificate the listener refuses in the TLS handshake: the authority hears nothing.
            assertThat(catchIpc(() -> net().connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withToken(TOKEN).withTrust(ca.certificate()))))
                    .satisfies(e -> assertThat(e.error()).isIn(IpcError.PERMISSION_DENIED, IpcError.BROKEN_PIPE,
                            IpcError.PROTOCOL_ERROR));
            assertThat(authority.subjects).hasSize(1);
            assertThat(authority.tokens).isEmpty();
        }
    }

    @Test
    void tls12IsSpokenOnlyWhenConfigured() {
        NetService only12 = context(settings("tls.certificate", server.chain(), "tls.key", server.key(),
                "tls.protocols", List.of("TLSv1.2"))).service(NetService.class);
        try (Listener listener = only12.listen(LOOPBACK, OPEN)) {
            assertThat(catchIpc(() -> net().connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withTrust(ca.certificate()))))
                    .hasMessageContaining("the TLS handshake failed");
            NetService both = context(settings("tls.protocols", List.of("TLSv1.3", "TLSv1.2")))
                    .service(NetService.class);
            try (Connection client = both.connect(listener.endpoint(),
                    ConnectOptions.DEFAULTS.withTrust(ca.certificate()));
                    Connection accepted = listener.accept(Duration.ofSeconds(10))) {
                exchange(client, accepted);
            }
        }
    }

    /** A frame each way, one larger than a TLS record. */
    static void exchange(Connection client, Connection accepted) {
        byte[] big = new byte[40_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        client.send(7, big, 0, big.length, 3);
        byte[] buf = new byte[64 * 1024];
        MessageInfo info = new MessageInfo();
        assertThat(accepted.receive(buf, 0, buf.length, info, Duration.ofSeconds(10))).isEqualTo(7);
        assertThat(java.util.Arrays.copyOf(buf, info.length())).isEqualTo(big);
        accepted.send(9, "pong".getBytes(StandardCharsets.UTF_8), 0, 4, 0);
        assertThat(client.receive(buf, 0, buf.length, info, Duration.ofSeconds(10))).isEqualTo(9);
        assertThat(new String(buf, 0, info.length(), StandardCharsets.UTF_8)).isEqualTo("pong");
    }

    static SSLContext serverContext(Path p12) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(p12)) {
            store.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, TestCertificates.PASSWORD.toCharArray());
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    static org.multios.ipc.IpcException catchIpc(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(t).isInstanceOf(org.multios.ipc.IpcException.class);
        return (org.multios.ipc.IpcException) t;
    }
}
