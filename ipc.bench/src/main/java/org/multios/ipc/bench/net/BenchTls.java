package org.multios.ipc.bench.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.net.internal.NetMechanismFactory;
import org.multios.ipc.net.internal.stream.NetSettings;
import org.multios.ipc.spi.MechanismFactory;

/**
 * TLS 1.3 for the network benchmarks: a self-signed certificate for 127.0.0.1 made with the
 * JDK's keytool in the trial's root (a PKCS#12 file, and its certificate as PEM for the
 * client's trust), an IPC context whose TCP listeners serve it, and a JDK {@link SSLSocket}
 * pair with the same certificate: the peer.
 */
final class BenchTls {
    private static final String PASSWORD = "bench-only";

    final Path keyStore;
    final Path certificate;

    private BenchTls(Path keyStore, Path certificate) {
        this.keyStore = keyStore;
        this.certificate = certificate;
    }

    /** Makes the certificate in {@code dir}. */
    static BenchTls make(Path dir) {
        try {
            return makeIn(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BenchTls makeIn(Path dir) throws IOException {
        Path p12 = dir.resolve("bench-tls.p12");
        Path pem = dir.resolve("bench-tls.pem");
        keytool("-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore",
                p12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "bench", "-keystore", p12.toString(), "-storepass", PASSWORD,
                "-file", pem.toString());
        return new BenchTls(p12, pem);
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for keytool", e);
        }
    }

    /** An IPC context on {@code root} whose TCP listeners speak TLS with this certificate. */
    IpcContext context(Path root) {
        NetSettings settings = NetSettings.of(Map.of("tls.certificate", keyStore.toString(), "tls.password",
                PASSWORD));
        List<MechanismFactory> factories = new ArrayList<>();
        for (MechanismFactory f : ServiceLoader.load(MechanismFactory.class, BenchTls.class.getClassLoader())) {
            if (!(f instanceof NetMechanismFactory)) {
                factories.add(f);
            }
        }
        factories.add(new NetMechanismFactory(settings));
        return LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()), factories);
    }

    /** A connected JDK TLS 1.3 socket pair on loopback with TCP_NODELAY, {@code [client, server]}, handshaken. */
    ByteChannel[] jdkPair() throws IOException {
        SSLContext tls = sslContext();
        try (SSLServerSocket listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {"TLSv1.3"});
            SSLSocket client = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort());
            try {
                SSLSocket server = (SSLSocket) listener.accept();
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Thread handshake = new Thread(() -> {
                    try {
                        server.startHandshake();
                    } catch (IOException e) {
                        Trial.closeQuietly(server);
                    }
                }, "bench-tls-handshake");
                handshake.start();
                client.startHandshake();
                handshake.join();
                return new ByteChannel[] {new SocketStreams(client), new SocketStreams(server)};
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            } catch (InterruptedException e) {
                client.close();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted in the TLS handshake", e);
            }
        }
    }

    private SSLContext sslContext() throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext c = SSLContext.getInstance("TLSv1.3");
            c.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return c;
        } catch (GeneralSecurityException e) {
            throw new IOException("bench TLS: " + e.getMessage(), e);
        }
    }

    /** A blocking socket's streams as one channel, for {@link org.multios.ipc.bench.queue.Frames}. */
    private static final class SocketStreams implements ByteChannel {
        private final SSLSocket socket;
        private final ReadableByteChannel in;
        private final WritableByteChannel out;

        SocketStreams(SSLSocket socket) throws IOException {
            this.socket = socket;
            this.in = Channels.newChannel(socket.getInputStream());
            this.out = Channels.newChannel(socket.getOutputStream());
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return in.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return out.write(src);
        }

        @Override
        public boolean isOpen() {
            return !socket.isClosed();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
