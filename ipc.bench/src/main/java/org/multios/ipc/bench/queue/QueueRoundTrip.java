package org.multios.ipc.bench.queue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.bench.ChildJvm;
import org.multios.ipc.bench.SocketEcho;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.WaitStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Message round trips between two OS processes: the benchmark thread sends a
 * {@value #SIZE}-byte message and waits for it to come back from a {@link QueueEchoChild} in a
 * child JVM started for the trial. One operation is one round trip (two messages, two
 * wake-ups); sampled, so JMH reports percentiles. Project: two named message queues, one each
 * way, blocking calls with the queues' wait strategy {@code wait} ({@code block}: sleep in the
 * kernel at once; {@code adaptive}: spin the default budget first; {@code spin}: never sleep,
 * a core on each side). Peer in the same run: a blocking JDK Unix-domain socket carrying the same
 * messages with a 4-byte length prefix ({@link Frames}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QueueRoundTrip {
    /** Bytes of each message. */
    static final int SIZE = 64;
    /** How long a reply may take before the child is declared dead. */
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);
    /**
     * How long setup bounces messages before the trial, so that the first measured round trips
     * do not meet a child JVM still busy starting up.
     */
    private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    /** Two named queues shared with a child JVM that echoes on them. */
    @State(Scope.Thread)
    public static class QueueChild {
        /** The queues' wait strategy, as {@link WaitStrategy#parse} reads it (the child opens them with it). */
        @Param({"block", "adaptive", "spin"})
        public String wait;

        BenchRoot root;
        IpcContext ipc;
        MessageQueue ping;
        MessageQueue pong;
        ChildJvm child;
        final byte[] out = new byte[SIZE];
        final byte[] in = new byte[SIZE];
        final MessageInfo info = new MessageInfo();

        @Setup(Level.Trial)
        public void setUp() {
            root = new BenchRoot();
            try {
                ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
                MessageQueueService queues = ipc.service(MessageQueueService.class);
                WaitStrategy strategy = WaitStrategy.parse(wait);
                ping = queues.create("ping", QueueOptions.of(SIZE, 16).withWaitStrategy(strategy));
                pong = queues.create("pong", QueueOptions.of(SIZE, 16).withWaitStrategy(strategy));
                child = ChildJvm.start(QueueEchoChild.class, List.of(),
                        root.path().resolve("echo-child.log"), "queue", root.path().toString(), "ping",
                        "pong", Integer.toString(SIZE));
                awaitReady();
                for (long end = System.nanoTime() + SETTLE_NANOS; System.nanoTime() - end < 0;) {
                    roundTrip();
                }
            } catch (RuntimeException e) {
                tearDown();
                throw e;
            }
        }

        /** Sends one message on ping and waits for it on pong. */
        int roundTrip() {
            ping.send(out, 0, SIZE, 0);
            try {
                return pong.receive(in, 0, SIZE, info, REPLY_BOUND);
            } catch (IpcException e) {
                IllegalStateException x = child.failure("no reply within " + REPLY_BOUND.toSeconds() + " s");
                x.addSuppressed(e);
                throw x;
            }
        }

        /** The child sends one byte on pong when it has opened both queues. */
        private void awaitReady() {
            child.awaitReady("the queues", timeout -> pong.receive(in, 0, SIZE, info, timeout));
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
        Frames.Writer writer;
        Frames.Reader reader;
        final byte[] out = new byte[SIZE];
        final byte[] in = new byte[SIZE];

        @Setup(Level.Trial)
        public void setUp() throws IOException, InterruptedException {
            root = new BenchRoot();
            try {
                echo = SocketEcho.start(root.path(), QueueEchoChild.class, List.of(), "socket", Integer.toString(SIZE));
                writer = new Frames.Writer(echo.channel(), SIZE);
                reader = new Frames.Reader(echo.channel());
                for (long end = System.nanoTime() + SETTLE_NANOS; System.nanoTime() - end < 0;) {
                    roundTrip();
                }
            } catch (IOException | RuntimeException e) {
                tearDown();
                throw e;
            }
        }

        /** Sends one message and reads its echo. */
        int roundTrip() {
            try {
                writer.write(out, 0, SIZE);
                int n = reader.read(in);
                if (n != SIZE) {
                    throw new IOException("echo of " + n + " bytes for " + SIZE);
                }
                return n;
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

    /** Project: a message to the child on one named queue and back on another. */
    @Benchmark
    public int queues(QueueChild c) {
        return c.roundTrip();
    }

    /** Peer: the same message to the child and back over a Unix-domain socket. */
    @Benchmark
    public int unixSocket(SocketChild c) {
        return c.roundTrip();
    }
}
