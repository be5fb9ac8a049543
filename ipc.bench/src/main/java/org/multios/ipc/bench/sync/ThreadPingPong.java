package org.multios.ipc.bench.sync;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.bench.StreamPair;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
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
    public static class SemaphorePair extends TrialState {
        Semaphore ping;
        Semaphore pong;
        BackgroundLoop echo;

        @Override
        protected void open(Trial t) {
            SyncService sync = t.openIpc().service(SyncService.class);
            ping = sync.createSemaphore("ping", SemaphoreOptions.of(0), 0600);
            pong = sync.createSemaphore("pong", SemaphoreOptions.of(0), 0600);
            echo = t.startLoop("sync-bench-echo-semaphore", () -> {
                try {
                    ping.acquire(POLL);
                } catch (IpcException e) {
                    return BackgroundLoop.continueAfterTimeout(e);
                }
                pong.release();
                return true;
            }, () -> { }, ping::release);
        }
    }

    /** Two j.u.c.Semaphores, with their echo thread. */
    @State(Scope.Thread)
    public static class JdkSemaphorePair {
        final java.util.concurrent.Semaphore ping = new java.util.concurrent.Semaphore(0);
        final java.util.concurrent.Semaphore pong = new java.util.concurrent.Semaphore(0);
        BackgroundLoop echo;

        @Setup(Level.Trial)
        public void setUp() {
            echo = BackgroundLoop.start("sync-bench-echo-jdk-semaphore", () -> {
                if (ping.tryAcquire(POLL.toNanos(), TimeUnit.NANOSECONDS)) {
                    pong.release();
                }
                return true;
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            echo.stop(ping::release);
        }
    }

    /** A connected pair of blocking Unix-domain socket channels, with their echo thread. */
    public static class SocketPair extends TrialState {
        SocketChannel client;
        final ByteBuffer out = ByteBuffer.allocateDirect(1);
        final ByteBuffer in = ByteBuffer.allocateDirect(1);
        BackgroundLoop echo;

        @Override
        protected void open(Trial t) throws IOException {
            SocketChannel[] pair = StreamPair.socketPair(t.root().resolve("pingpong.sock"));
            client = t.own(pair[0]);
            SocketChannel server = t.own(pair[1]);
            Runnable closeServer = () -> Trial.closeQuietly(server); // unblocks either side
            ByteBuffer echoBuffer = ByteBuffer.allocateDirect(1);
            echo = t.startLoop("sync-bench-echo-socket", () -> {
                echoBuffer.clear();
                if (server.read(echoBuffer) < 0) {
                    throw new IOException("peer closed the socket");
                }
                echoBuffer.flip();
                server.write(echoBuffer);
                return true;
            }, closeServer, closeServer);
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
