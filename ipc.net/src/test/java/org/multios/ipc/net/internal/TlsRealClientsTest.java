package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;

/**
 * Clients nobody here wrote against a TLS listener: Python's ssl module
 * ({@code python/tls_client.py}, from the documented layouts) and Debian's
 * {@code openssl s_client}.
 */
@Timeout(value = 90, threadMode = ThreadMode.SEPARATE_THREAD)
class TlsRealClientsTest extends NetTestSupport {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private TestCertificates certs;
    private TestCertificates.Issued ca;
    private NetService tlsNet;
    private RecordingAuthority authority;

    @BeforeEach
    void startTlsMechanism() throws Exception {
        certs = new TestCertificates(tempDir.resolve("certs"));
        ca = certs.authority("test-ca");
        TestCertificates.Issued server = certs.leaf(ca, "server", "localhost");
        authority = new RecordingAuthority(TlsConnectionTest.TOKEN);
        tlsNet = context(TlsConnectionTest.settings("tls.certificate", server.chain(), "tls.key", server.key()),
                authority).service(NetService.class);
    }

    @Test
    void pythonsSslModuleHandshakesSendsItsTokenInsideTlsAndExchangesFrames() throws Exception {
        try (Listener listener = tlsNet.listen(Endpoint.tcp("127.0.0.1", 0), TlsConnectionTest.OPEN)) {
            Process python = python(listener, ca.certificate(), "tls-test-secret");
            try (Connection accepted = listener.accept(Duration.ofSeconds(30))) {
                byte[] buf = new byte[256];
                MessageInfo info = new MessageInfo();
                assertThat(accepted.receive(buf, 0, buf.length, info, Duration.ofSeconds(30))).isEqualTo(7);
                assertThat(new String(buf, 0, info.length(), StandardCharsets.UTF_8)).isEqualTo("ping from python");
                assertThat(info.priority()).isEqualTo(3);
                accepted.send(9, "pong".getBytes(StandardCharsets.UTF_8), 0, 4, 5);
                assertThat(output(python)).containsExactly("tls TLSv1.3", "welcome 65536", "received 9 5 pong");
            }
            assertThat(authority.tokens).containsExactly(TlsConnectionTest.TOKEN);
        }
    }

    @Test
    void pythonWithAWrongTokenIsRefusedInsideTls() throws Exception {
        try (Listener listener = tlsNet.listen(Endpoint.tcp("127.0.0.1", 0), TlsConnectionTest.OPEN)) {
            Process python = python(listener, ca.certificate(), "guessed", "expect-refusal");
            List<String> lines = output(python);
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).isEqualTo("tls TLSv1.3");
            assertThat(lines.get(1)).startsWith("refused " + IpcError.PERMISSION_DENIED.code() + " ");
            assertThat(listener.tryAccept()).isEmpty();
        }
    }

    @Test
    void pythonTrustingAnotherAuthorityRefusesTheListener() throws Exception {
        Path other = certs.authority("other-ca").certificate();
        try (Listener listener = tlsNet.listen(Endpoint.tcp("127.0.0.1", 0), TlsConnectionTest.OPEN)) {
            Process python = python(listener, other, "tls-test-secret", "expect-refusal");
            List<String> lines = output(python);
            assertThat(lines).hasSize(1);
            assertThat(lines.get(0)).startsWith("tls-failed ").contains("CERTIFICATE_VERIFY_FAILED");
            assertThat(authority.tokens).isEmpty();
        }
    }

    @Test
    void opensslSClientSeesTls13AndOurCertificate() throws Exception {
        try (Listener listener = tlsNet.listen(Endpoint.tcp("127.0.0.1", 0), TlsConnectionTest.OPEN)) {
            String out = sClient(listener, "-tls1_3");
            assertThat(out).contains("New, TLSv1.3, Cipher is").contains("Verify return code: 0 (ok)")
                    .containsPattern("subject=CN ?= ?localhost, ?O ?= ?MultiOS Test")
                    .containsPattern("issuer=CN ?= ?test-ca");
            String tls12 = sClient(listener, "-tls1_2");
            assertThat(tls12).doesNotContain("New, TLSv1.2").containsIgnoringCase("alert protocol version");
        }
    }

    private String sClient(Listener listener, String version) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(OPENSSL), "openssl is not installed");
        Process p = new ProcessBuilder(OPENSSL.toString(), "s_client", "-connect",
                "127.0.0.1:" + listener.endpoint().port(), "-servername", "localhost", "-CAfile",
                ca.certificate().toString(), version, "-verify_return_error").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private Process python(Listener listener, Path cafile, String... args) throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "/usr/bin/python3 is not installed");
        Path script = tempDir.resolve("tls_client.py");
        if (!Files.exists(script)) {
            try (InputStream in = getClass().getResourceAsStream("/python/tls_client.py")) {
                Files.copy(in, script);
            }
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString(), "127.0.0.1",
                Integer.toString(listener.endpoint().port()), cafile.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(tempDir.resolve("python-stderr.txt").toFile()).start();
    }

    /** The script's output once it ended with status 0. */
    private List<String> output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("exit status; stderr: %s", Files.readString(tempDir.resolve("python-stderr.txt")))
                .isZero();
        return out.lines().toList();
    }
}
