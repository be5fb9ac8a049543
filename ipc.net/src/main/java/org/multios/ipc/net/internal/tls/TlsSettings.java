package org.multios.ipc.net.internal.tls;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.Transport;
import org.multios.ipc.spi.ConfigurationReader;

/**
 * TLS of TCP listeners and connectors, from the {@code tls.*} keys of the network
 * configuration. With a server certificate every TCP listener speaks TLS; a connector speaks
 * TLS when its options ask for it. Plaintext TCP is allowed on loopback only, unless
 * {@code tcp.plaintext.allowed} says otherwise. Immutable.
 *
 * @param keyManagers      this side's certificate (null: none configured)
 * @param server           the context of listeners (null without a certificate)
 * @param client           the context of connectors whose options name no trust: the
 *                         configured trust; null for the JDK's ({@link JdkTrust}, made at the
 *                         first such connection)
 * @param protocols        the TLS versions spoken
 * @param clientAuth       whether listeners ask for client certificates
 * @param plaintextAllowed whether plaintext TCP may leave loopback
 * @param certificate      the certificate file, for messages
 */
public record TlsSettings(KeyManager[] keyManagers, SSLContext server, SSLContext client,
        List<String> protocols, ClientAuth clientAuth, boolean plaintextAllowed, String certificate) {
    /** No certificate, TLS 1.3 only, no client certificates, plaintext on loopback only. */
    public static final TlsSettings NONE = new TlsSettings(null, null, null, List.of("TLSv1.3"),
            ClientAuth.NONE, false, null);

    private static final Set<String> VERSIONS = Set.of("TLSv1.3", "TLSv1.2");

    /** Whether listeners ask for client certificates. */
    public enum ClientAuth {
        /** They do not. */
        NONE,
        /** They ask; a client may send none. */
        WANT,
        /** A client must send one. */
        NEED
    }

    /** Reads the {@code tls.*} and {@code tcp.plaintext.allowed} keys; files are read now. */
    public static TlsSettings read(ConfigurationReader c) {
        String certificate = c.string("tls.certificate", "");
        String key = c.string("tls.key", "");
        char[] password = c.string("tls.password", "").toCharArray();
        List<String> protocols = c.strings("tls.protocols");
        String auth = c.string("tls.client.auth", "none");
        String clientTrust = c.string("tls.client.trust", "");
        String trust = c.string("tls.trust", "");
        boolean plaintext = c.bool("tcp.plaintext.allowed", false);
        if (protocols.isEmpty()) {
            protocols = NONE.protocols;
        }
        for (String p : protocols) {
            if (!VERSIONS.contains(p)) {
                throw c.bad("tls.protocols", "'" + p + "' is not TLSv1.3 or TLSv1.2");
            }
        }
        ClientAuth clientAuth = c.parse("tls.client.auth", auth, a -> {
            try {
                return ClientAuth.valueOf(a.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw IpcException.invalidArgument("'" + a + "' is not none, want or need");
            }
        });
        if (clientAuth != ClientAuth.NONE && (clientTrust.isEmpty() || certificate.isEmpty())) {
            throw c.bad("tls.client.auth", "client certificates need tls.certificate and tls.client.trust");
        }
        KeyManager[] keys = certificate.isEmpty() ? null : c.parse("tls.certificate", certificate,
                f -> KeyMaterial.keyManagers(existing(f), key.isEmpty() ? null : existing(key), password));
        TrustManager[] clients = clientTrust.isEmpty() ? null
                : c.parse("tls.client.trust", clientTrust, f -> KeyMaterial.trustManagers(existing(f), password));
        TrustManager[] servers = trust.isEmpty() ? null
                : c.parse("tls.trust", trust, f -> KeyMaterial.trustManagers(existing(f), new char[0]));
        SSLContext client = keys == null && servers == null ? null : context(keys, servers);
        return new TlsSettings(keys, keys == null ? null : context(keys, clients), client,
                List.copyOf(protocols), clientAuth, plaintext,
                certificate.isEmpty() ? null : certificate);
    }

    private static Path existing(String file) {
        Path p = Path.of(file);
        if (!Files.isReadable(p)) {
            throw IpcException.invalidArgument("the file " + file + " is missing or unreadable");
        }
        return p;
    }

    /**
     * Refuses plaintext TCP that leaves loopback, unless the operator allowed it.
     *
     * @throws IpcException PERMISSION_DENIED naming the endpoint and the two ways out
     */
    public void checkPlaintext(Endpoint endpoint, String what) {
        if (endpoint.transport() == Transport.TCP && !endpoint.isLoopback() && !plaintextAllowed) {
            throw new IpcException(IpcError.PERMISSION_DENIED, what + " " + endpoint + ": plaintext TCP beyond "
                    + "loopback is refused; speak TLS (configure tls.certificate for listeners, "
                    + "ConnectOptions.withTls for connections) or allow plaintext (tcp.plaintext.allowed=true in "
                    + "configuration " + "org.multios.ipc.net)");
        }
    }

    /**
     * Refuses plaintext TCP that leaves loopback by its text or by the address its host resolved
     * to ({@code localhost.} answered with another machine's address by a resolver), unless the
     * operator allowed it.
     *
     * @param reached the address the socket uses (a Unix socket's: nothing to check)
     * @throws IpcException PERMISSION_DENIED naming the endpoint, the address and the two ways out
     */
    public void checkPlaintext(Endpoint endpoint, SocketAddress reached, String what) {
        checkPlaintext(endpoint, what);
        if (reached instanceof InetSocketAddress a && a.getAddress() != null && !a.getAddress().isLoopbackAddress()
                && endpoint.transport() == Transport.TCP) {
            checkPlaintext(Endpoint.tcp(a.getAddress().getHostAddress(), a.getPort()), what + " " + endpoint + " at");
        }
    }

    /** Whether TCP listeners speak TLS. */
    public boolean serves() {
        return server != null;
    }

    /** A server engine for one accepted connection. */
    public SSLEngine serverEngine() {
        SSLEngine e = server.createSSLEngine();
        e.setUseClientMode(false);
        SSLParameters p = parameters(e);
        p.setNeedClientAuth(clientAuth == ClientAuth.NEED);
        if (clientAuth == ClientAuth.WANT) {
            p.setWantClientAuth(true);
        }
        e.setSSLParameters(p);
        return e;
    }

    /**
     * A client engine that verifies the server {@code host} against {@code trustFile} (else the
     * configured trust, else the JDK's) and presents this side's certificate if asked.
     */
    public SSLEngine clientEngine(String host, int port, Optional<Path> trustFile) {
        SSLContext c = trustFile.isPresent()
                ? context(keyManagers, KeyMaterial.trustManagers(existing(trustFile.get().toString()), new char[0]))
                : client != null ? client : JdkTrust.context();
        SSLEngine e = c.createSSLEngine(host, port);
        e.setUseClientMode(true);
        SSLParameters p = parameters(e);
        p.setEndpointIdentificationAlgorithm("HTTPS");
        e.setSSLParameters(p);
        return e;
    }

    private SSLParameters parameters(SSLEngine e) {
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(protocols.toArray(String[]::new));
        return p;
    }

    /**
     * The context of connectors that trust what the JDK trusts, made once, at the first connection
     * that needs it (class initialization is lazy): making it reads and parses the JDK's trusted
     * certificates, which took about a tenth of the Java threads' time of a gateway's start when it was
     * made with the defaults.
     */
    private static final class JdkTrust {
        private static final SSLContext CONTEXT;
        private static final IpcException FAILURE;

        static {
            SSLContext made = null;
            IpcException failed = null;
            try {
                made = TlsSettings.context(null, null);
            } catch (IpcException e) {
                failed = e;
            } catch (RuntimeException e) { // not an ExceptionInInitializerError at every later connection
                failed = new IpcException(IpcError.UNSUPPORTED, "TLS: the JDK's trusted certificates: " + e, e);
            }
            CONTEXT = made;
            FAILURE = failed;
        }

        static SSLContext context() {
            if (FAILURE != null) {
                throw new IpcException(IpcError.UNSUPPORTED, FAILURE.getMessage(), FAILURE);
            }
            return CONTEXT;
        }
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys, trust, new SecureRandom());
            return c;
        } catch (GeneralSecurityException e) {
            throw new IpcException(IpcError.UNSUPPORTED, "TLS: " + e.getMessage(), e);
        }
    }
}
