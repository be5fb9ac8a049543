package org.multios.ipc.mqtt.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 (or the names a test gives), made for one test with the JDK's keytool: the key
 * store a {@link FakeBroker} speaks TLS with, and the certificate as PEM for the bridge's
 * {@code trust.certificates} (pinned).
 */
final class BrokerCertificate {
    private static final String PASSWORD = "changeit";

    private final Path keyStore;
    private final Path pem;

    private BrokerCertificate(Path keyStore, Path pem) {
        this.keyStore = keyStore;
        this.pem = pem;
    }

    /** Makes the key store and the PEM certificate in {@code dir}. */
    static BrokerCertificate make(Path dir) throws IOException, InterruptedException {
        return make(dir, "ip:127.0.0.1,dns:localhost");
    }

    /** The same for the names {@code san} (keytool's {@code -ext san=} syntax), and no other. */
    static BrokerCertificate make(Path dir, String san) throws IOException, InterruptedException {
        Path keyStore = dir.resolve("broker.p12");
        Path pem = dir.resolve("broker.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "san=" + san, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        return new BrokerCertificate(keyStore, pem);
    }

    /** The certificate, PEM. */
    Path pem() {
        return pem;
    }

    /** A server context with the key and certificate. */
    SSLContext serverContext() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed:\n" + out);
        }
    }
}
