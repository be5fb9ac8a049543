package org.multios.ipc.bench.sync;

import static org.multios.ipc.bench.sync.ThreadPingPong.REPLY_BOUND;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.bench.ChildJvm;
import org.multios.ipc.bench.SocketEcho;
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
 * Wake-up latency between two OS processes: the benchmark thread posts a ping and waits for
 * the pong that an {@link EchoChild} in a child JVM (started for the trial) posts back. One
 * operation is one round trip; sampled, so JMH reports percentiles. Project: two named
 * semaphores. Peer in the same run: a blocking JDK Unix-domain socket carrying 1-byte
 * messages to a child that writes each byte back.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProcessPingPong {
    /**
     * How long setup bounces the token before the trial, so that the first measured round trips
     * do not meet a child JVM still busy starting up (they would in one-iteration runs).
     */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    /** Named semaphores shared with a child JVM that echoes on them. */
    @State(Scope.Thread)
    public static class SemaphoreChild {
        BenchRoot root;
        IpcContext ipc;
        Semaphore ping;
        Semaphore pong;
        ChildJvm child;

        @Setup(Level.Trial)
        public void setUp() {
            root = new BenchRoot();
            try {
                ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
                SyncService sync = ipc.service(SyncService.class);
                ping = sync.createSemaphore("ping", SemaphoreOptions.of(0), 0600);
                pong = sync.createSemaphore("pong", SemaphoreOptions.of(0), 0600);
                child = ChildJvm.start(EchoChild.class, List.of(),
                        root.path().resolve("echo-child.log"), "semaphore",
                        root.path().toString(), "ping", "pong");
                awaitReady();
                for (long end = System.nanoTime() + SETTLE_NANOS; System.nanoTime() - end < 0;) {
                    roundTrip();
                }
            } catch (RuntimeException e) {
                tearDown();
                throw e;
            }
        }

        /** Posts ping and waits for pong. */
        void roundTrip() {
            ping.release();
            try {
                pong.acquire(REPLY_BOUND);
            } catch (IpcException e) {
                IllegalStateException x = child.failure("no pong within " + REPLY_BOUND.toSeconds() + " s");
                x.addSuppressed(e);
                throw x;
            }
        }

        /** The child posts pong once when it has opened both semaphores. */
        private void awaitReady() {
            child.awaitReady("the semaphores", timeout -> pong.acquire(timeout));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                if (child != null) {
                    child.close();
                    child = null;
                }
            } finally {
                if (ipc != null) {
                    ipc.close();
                    ipc = null;
                }
                if (root != null) {
                    root.close();
                    root = null;
                }
            }
        }
    }

    /** A Unix-domain socket connected to a child JVM that echoes on it. */
    @State(Scope.Thread)
    public static class SocketChild {
        BenchRoot root;
        SocketEcho echo;
        final ByteBuffer out = ByteBuffer.allocateDirect(1);
        final ByteBuffer in = ByteBuffer.allocateDirect(1);

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            root = new BenchRoot();
            try {
                echo = SocketEcho.start(root.path(), EchoChild.class, List.of(), "socket");
                for (long end = System.nanoTime() + SETTLE_NANOS; System.nanoTime() - end < 0;) {
                    roundTrip();
                }
            } catch (IOException | RuntimeException e) {
                tearDown();
                throw e;
            }
        }

        /** Sends one byte and reads its echo. */
        void roundTrip() {
            try {
                ThreadPingPong.roundTrip(echo.channel(), out, in);
            } catch (IOException e) {
                throw echo.failure(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            try {
                if (echo != null) {
                    echo.close();
                    echo = null;
                }
            } finally {
                if (root != null) {
                    root.close();
                    root = null;
                }
            }
        }
    }

    /** Project: post ping, wait for pong, on named semaphores shared with the child. */
    @Benchmark
    public void semaphores(SemaphoreChild c) {
        c.roundTrip();
    }

    /** Peer: one byte each way over a Unix-domain socket to the child. */
    @Benchmark
    public void unixSocket(SocketChild c) {
        c.roundTrip();
    }
}
