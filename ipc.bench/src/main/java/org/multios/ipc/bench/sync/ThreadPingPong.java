package org.multios.ipc.bench.sync;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Wake-up latency between two threads of one JVM: the benchmark thread posts a ping and waits
 * for the pong that an echo thread (owned by the state) posts back. One operation is one round
 * trip, two wake-ups; sampled, so JMH reports percentiles. Project: two named semaphores.
 * Peers in the same run: two {@link java.util.concurrent.Semaphore}s, and a blocking JDK
 * Unix-domain socket pair carrying 1-byte messages.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ThreadPingPong {
    /** How long the measuring side waits for a pong before failing. */
    static final Duration REPLY_BOUND = Duration.ofSeconds(10);
    /** How long the echo side waits for a ping before re-checking whether it should stop. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** Two named semaphores of the project, with their echo thread. */
    @State(Scope.Thread)
    public static class SemaphorePair {
        BenchRoot root;
        IpcContext ipc;
        Semaphore ping;
        Semaphore pong;
        EchoThread echo;

        @Setup(Level.Trial)
        public void setUp() {
            root = new BenchRoot();
            ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
            SyncService sync = ipc.service(SyncService.class);
            ping = sync.createSemaphore("ping", SemaphoreOptions.of(0), 0600);
            pong = sync.createSemaphore("pong", SemaphoreOptions.of(0), 0600);
            echo = EchoThread.start("sync-bench-echo-semaphore", () -> {
                try {
                    ping.acquire(POLL);
                } catch (IpcException e) {
                    if (e.error() == IpcError.TIMEOUT) {
                        return;
                    }
                    throw e;
                }
                pong.release();
            }, () -> { });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                echo.stop(ping::release);
            } finally {
                ipc.close();
                root.close();
            }
        }
    }

    /** Two j.u.c.Semaphores, with their echo thread. */
    @State(Scope.Thread)
    public static class JdkSemaphorePair {
        final java.util.concurrent.Semaphore ping = new java.util.concurrent.Semaphore(0);
        final java.util.concurrent.Semaphore pong = new java.util.concurrent.Semaphore(0);
        EchoThread echo;

        @Setup(Level.Trial)
        public void setUp() {
            echo = EchoThread.start("sync-bench-echo-jdk-semaphore", () -> {
                if (ping.tryAcquire(POLL.toNanos(), TimeUnit.NANOSECONDS)) {
                    pong.release();
                }
            }, () -> { });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            echo.stop(ping::release);
        }
    }

    /** A connected pair of blocking Unix-domain socket channels, with their echo thread. */
    @State(Scope.Thread)
    public static class SocketPair {
        BenchRoot root;
        SocketChannel client;
        SocketChannel server;
        final ByteBuffer out = ByteBuffer.allocateDirect(1);
        final ByteBuffer in = ByteBuffer.allocateDirect(1);
        EchoThread echo;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            root = new BenchRoot();
            UnixDomainSocketAddress address = UnixDomainSocketAddress.of(root.path().resolve("pingpong.sock"));
            try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                listener.bind(address);
                client = SocketChannel.open(address);
                server = listener.accept();
            }
            ByteBuffer echoBuffer = ByteBuffer.allocateDirect(1);
            echo = EchoThread.start("sync-bench-echo-socket", () -> {
                echoBuffer.clear();
                if (server.read(echoBuffer) < 0) {
                    throw new IOException("peer closed the socket");
                }
                echoBuffer.flip();
                server.write(echoBuffer);
            }, this::closeServer);
        }

        private void closeServer() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing only to unblock the measuring side
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                echo.stop(this::closeServer);
            } finally {
                client.close();
                root.close();
            }
        }
    }

    /** Project: post ping, wait for pong on named semaphores. */
    @Benchmark
    public void semaphores(SemaphorePair p) {
        p.ping.release();
        try {
            p.pong.acquire(REPLY_BOUND);
        } catch (IpcException e) {
            IllegalStateException x = p.echo.noReply("semaphore");
            x.addSuppressed(e);
            throw x;
        }
    }

    /** Peer: the same over j.u.c.Semaphores. */
    @Benchmark
    public void jdkSemaphores(JdkSemaphorePair p) throws InterruptedException {
        p.ping.release();
        if (!p.pong.tryAcquire(REPLY_BOUND.toNanos(), TimeUnit.NANOSECONDS)) {
            throw p.echo.noReply("j.u.c.Semaphore");
        }
    }

    /** Peer: one byte each way over a Unix-domain socket. */
    @Benchmark
    public void unixSocket(SocketPair p) throws IOException {
        roundTrip(p.client, p.out, p.in);
    }

    /** Writes one byte and reads the one-byte answer on a blocking channel. */
    static void roundTrip(SocketChannel channel, ByteBuffer out, ByteBuffer in) throws IOException {
        out.clear();
        out.put(0, (byte) 1);
        channel.write(out);
        in.clear();
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                throw new IOException("the echo side closed the socket");
            }
        }
    }
}
