package org.multios.ipc.bench.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.bench.StreamPair;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.net.ConnectOptions;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.net.NetService;
import org.openjdk.jmh.annotations.Param;

/**
 * The two ends of one connection, in one process, for the network benchmarks: an ipc.net
 * {@link Connection} pair (listen, connect, accept) or a blocking JDK {@link SocketChannel}
 * pair, over loopback TCP or a Unix-domain socket. The IPC root is under /tmp and short, so
 * that the Unix socket paths fit.
 */
public final class NetFixture {
    /** The transports benchmarked, the value of the trials' {@code transport} parameter. */
    public static final String TCP = "tcp";
    public static final String UNIX = "unix";
    /** Loopback TCP in TLS 1.3 (a self-signed certificate made for the trial, pinned by the client). */
    public static final String TLS = "tls";

    /** TCP without tokens: both ends are this process, on loopback. */
    static final ListenOptions OPEN = ListenOptions.DEFAULTS.withRequireAuthentication(false);
    private static final Duration ACCEPT_BOUND = Duration.ofSeconds(10);
    private static final Path SHORT_PARENT = Path.of("/tmp");

    private NetFixture() {
    }

    /**
     * A network benchmark's state: its {@code transport} parameter, the trial's root (under /tmp,
     * short enough for Unix socket paths), and the loop thread (receiver or echo) on the accepted end.
     */
    public abstract static class NetTrial extends TrialState {
        /** The transport: {@code tcp}, {@code tls} or {@code unix}. */
        @Param({TCP, TLS, UNIX})
        public String transport;

        BackgroundLoop loop;

        @Override
        protected BenchRoot newRoot() {
            return new BenchRoot(SHORT_PARENT);
        }
    }

    /** A trial's blocking JDK socket pair ({@link #jdkPair}), both ends taken by the trial. */
    static final class JdkPair {
        final ByteChannel client;
        final ByteChannel server;

        JdkPair(Trial trial, String transport) throws IOException {
            ByteChannel[] ends = jdkPair(trial.root(), transport);
            client = ends[0];
            server = ends[1];
            trial.own(() -> Trial.closeQuietly(client));
            trial.own(() -> Trial.closeQuietly(server));
        }

        /** Starts the trial's loop on the server end, as {@link NetPair#startLoop} does. */
        BackgroundLoop startLoop(Trial trial, String name, BackgroundLoop.Step step) {
            return trial.startLoop(name, step, () -> Trial.closeQuietly(client), () -> Trial.closeQuietly(server));
        }
    }

    /** An ipc.net connection pair and what it needs; closed in reverse. */
    static final class NetPair implements AutoCloseable {
        final IpcContext ipc;
        final Listener listener;
        final Connection client;
        final Connection server;

        private NetPair(IpcContext ipc, Listener listener, Connection client, Connection server) {
            this.ipc = ipc;
            this.listener = listener;
            this.client = client;
            this.server = server;
        }

        /** Listens on {@code transport} (TCP on a free loopback port, or a Unix socket named in the root), connects, accepts. */
        static NetPair open(Path root, String transport) {
            BenchTls tls = transport.equals(TLS) ? BenchTls.make(root) : null;
            IpcContext ipc = tls != null ? tls.context(root) : Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
            Listener listener = null;
            Connection client = null;
            try {
                NetService net = ipc.service(NetService.class);
                Endpoint endpoint = switch (transport) {
                    case TCP, TLS -> Endpoint.tcp(0);
                    case UNIX -> Endpoint.unix("bench");
                    default -> throw new IllegalArgumentException("transport " + transport);
                };
                listener = net.listen(endpoint, OPEN);
                client = net.connect(transport.equals(UNIX) ? endpoint : listener.endpoint(),
                        tls == null ? ConnectOptions.DEFAULTS : ConnectOptions.DEFAULTS.withTrust(tls.certificate));
                Connection server = listener.accept(ACCEPT_BOUND);
                return new NetPair(ipc, listener, client, server);
            } catch (RuntimeException e) {
                if (client != null) {
                    client.close();
                }
                if (listener != null) {
                    listener.close();
                }
                ipc.close();
                throw e;
            }
        }

        /**
         * Starts the trial's loop on the accepted end: a failure closes the client end (unblocking
         * the benchmark thread), stopping closes the accepted end (unblocking the loop).
         */
        BackgroundLoop startLoop(Trial trial, String name, BackgroundLoop.Step step) {
            return trial.startLoop(name, step, client::close, () -> Trial.closeQuietly(server));
        }

        @Override
        public void close() {
            try {
                server.close();
                client.close();
                listener.close();
            } finally {
                ipc.close();
            }
        }
    }

    /**
     * A connected pair of blocking JDK sockets, {@code [client, server]}: loopback TCP
     * with {@code TCP_NODELAY} on both ends (as ipc.net sets it), the same in TLS 1.3 (an
     * {@link javax.net.ssl.SSLSocket} pair), or a Unix-domain socket bound in the root (its file
     * removed once connected).
     */
    static ByteChannel[] jdkPair(Path root, String transport) throws IOException {
        switch (transport) {
            case TLS:
                return BenchTls.make(root).jdkPair();
            case UNIX:
                return StreamPair.socketPair(root.resolve("jdk.sock"));
            case TCP:
                try (ServerSocketChannel listener = ServerSocketChannel.open()) {
                    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    try {
                        SocketChannel server = listener.accept();
                        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        return new SocketChannel[] {client, server};
                    } catch (IOException | RuntimeException e) {
                        client.close();
                        throw e;
                    }
                }
            default:
                throw new IllegalArgumentException("transport " + transport);
        }
    }
}
