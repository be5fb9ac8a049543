package org.multios.ipc.bench.channel;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.jctools.queues.SpscArrayQueue;
import org.multios.ipc.IpcException;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.channel.ChannelEnd;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Round-trip latency of a 64-byte message between two threads of one JVM: the benchmark thread
 * sends a ping and waits for the pong that an echo thread (owned by the state) sends back.
 * Sampled, so JMH reports p50/p99/p99.9. Project: the two directions of one anonymous channel,
 * with blocking receives that wait as {@code wait} says ({@code block}: sleep in the kernel at
 * once; {@code adaptive}: spin the default budget, then sleep; {@code spin}: never sleep). Peers
 * in the same run: two JCTools {@link SpscArrayQueue}s polled in a busy spin (no sleeping at
 * all: a lower bound), two of Agrona's {@link OneToOneRingBuffer}s over mapped files of the same
 * root, each 64-byte message copied in and out, polled in a busy spin ({@link MappedRingFixture}:
 * the bound for a copying byte ring in shared memory), and two {@link ArrayBlockingQueue}s with
 * blocking {@code poll}.
 */
@Fork(jvmArgsAppend = ChannelProcessRoundTrip.OPEN_INTERNAL_MISC) // Agrona's ring
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ChannelRoundTrip {
    /** How long the measuring side waits for a pong before failing. */
    static final Duration REPLY_BOUND = Duration.ofSeconds(10);
    /** How long the echo side waits for a ping before re-checking whether it should stop. */
    static final Duration POLL = Duration.ofMillis(200);

    /** The project's channel with its echo thread on end B. */
    @State(Scope.Thread)
    public static class ChannelPair {
        /** Both ends' wait strategy, as {@link org.multios.ipc.WaitStrategy#parse} reads it. */
        @Param({"block", "adaptive", "spin"})
        public String wait;
        /** Each direction a ring with priorities, or a lane ({@link ChannelFixture#options}). */
        @Param({"priorities", "lane"})
        public String ring;

        ChannelFixture fixture;
        ChannelEnd a;
        BackgroundLoop echo;
        final byte[] ping = new byte[ChannelFixture.MESSAGE_SIZE];
        final byte[] pong = new byte[ChannelFixture.MESSAGE_SIZE];

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new ChannelFixture(wait, ring);
            a = fixture.channel().endA();
            ChannelEnd b = fixture.channel().endB();
            byte[] buf = new byte[ChannelFixture.MESSAGE_SIZE];
            echo = BackgroundLoop.start("channel-bench-echo", () -> {
                int n;
                try {
                    n = b.receive(buf, 0, buf.length, null, POLL);
                } catch (IpcException e) {
                    return BackgroundLoop.continueAfterTimeout(e);
                }
                b.send(buf, 0, n, 0);
                return true;
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                echo.stop();
            } finally {
                fixture.close();
            }
        }
    }

    /** Two SPSC queues with a spinning echo thread. */
    @State(Scope.Thread)
    public static class SpscPair {
        final SpscArrayQueue<byte[]> ping = new SpscArrayQueue<>(ChannelFixture.CAPACITY);
        final SpscArrayQueue<byte[]> pong = new SpscArrayQueue<>(ChannelFixture.CAPACITY);
        final byte[] message = new byte[ChannelFixture.MESSAGE_SIZE];
        BackgroundLoop echo;

        @Setup(Level.Trial)
        public void setUp() {
            echo = BackgroundLoop.start("channel-bench-echo-spsc", () -> {
                byte[] m = ping.poll();
                if (m != null) {
                    pong.offer(m);
                } else {
                    Thread.onSpinWait();
                }
                return true;
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            echo.stop();
        }
    }

    /** Two of Agrona's mapped one-to-one rings with a spinning echo thread copying each message out and back. */
    @State(Scope.Thread)
    public static class MappedRingPair {
        MappedRingFixture fixture;
        OneToOneRingBuffer ping;
        OneToOneRingBuffer pong;
        final UnsafeBuffer message = MappedRingFixture.message();
        final byte[] reply = new byte[ChannelFixture.MESSAGE_SIZE];
        final MessageHandler copyReply = (type, buffer, index, length) -> buffer.getBytes(index, reply, 0, length);
        BackgroundLoop echo;

        @Setup(Level.Trial)
        public void setUp() {
            fixture = new MappedRingFixture(2);
            ping = fixture.ring(0);
            pong = fixture.ring(1);
            UnsafeBuffer echoed = MappedRingFixture.message();
            MessageHandler sendBack = (type, buffer, index, length) -> {
                buffer.getBytes(index, echoed, 0, length);
                while (!pong.write(MappedRingFixture.MESSAGE_TYPE, echoed, 0, length)) {
                    Thread.onSpinWait();
                }
            };
            echo = BackgroundLoop.start("channel-bench-echo-agrona", () -> {
                if (ping.read(sendBack, 1) == 0) {
                    Thread.onSpinWait();
                }
                return true;
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                echo.stop();
            } finally {
                fixture.close();
            }
        }
    }

    /** Two array blocking queues with a blocking echo thread. */
    @State(Scope.Thread)
    public static class BlockingPair {
        final ArrayBlockingQueue<byte[]> ping = new ArrayBlockingQueue<>(ChannelFixture.CAPACITY);
        final ArrayBlockingQueue<byte[]> pong = new ArrayBlockingQueue<>(ChannelFixture.CAPACITY);
        final byte[] message = new byte[ChannelFixture.MESSAGE_SIZE];
        BackgroundLoop echo;

        @Setup(Level.Trial)
        public void setUp() {
            echo = BackgroundLoop.start("channel-bench-echo-abq", () -> {
                byte[] m = ping.poll(POLL.toNanos(), TimeUnit.NANOSECONDS);
                if (m != null) {
                    pong.put(m);
                }
                return true;
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            echo.stop();
        }
    }

    /** Project: ping A&#8594;B, pong B&#8594;A on one channel. */
    @Benchmark
    public int channel(ChannelPair p) {
        p.a.send(p.ping, 0, p.ping.length, 0);
        try {
            return p.a.receive(p.pong, 0, p.pong.length, null, REPLY_BOUND);
        } catch (IpcException e) {
            IllegalStateException x = p.echo.noReply("channel");
            x.addSuppressed(e);
            throw x;
        }
    }

    /** Peer: the same over two spinning SPSC queues. */
    @Benchmark
    public byte[] spsc(SpscPair p) {
        p.ping.offer(p.message);
        long deadline = System.nanoTime() + REPLY_BOUND.toNanos();
        while (true) {
            byte[] r = p.pong.poll();
            if (r != null) {
                return r;
            }
            if (System.nanoTime() - deadline > 0) {
                throw p.echo.noReply("SPSC queue");
            }
            Thread.onSpinWait();
        }
    }

    /** Peer: the same over two of Agrona's mapped rings, the reply copied out. */
    @Benchmark
    public byte[] agronaRing(MappedRingPair p) {
        while (!p.ping.write(MappedRingFixture.MESSAGE_TYPE, p.message, 0, ChannelFixture.MESSAGE_SIZE)) {
            Thread.onSpinWait();
        }
        long deadline = System.nanoTime() + REPLY_BOUND.toNanos();
        while (p.pong.read(p.copyReply, 1) == 0) {
            if (System.nanoTime() - deadline > 0) {
                throw p.echo.noReply("Agrona ring");
            }
            Thread.onSpinWait();
        }
        return p.reply;
    }

    /** Peer: the same over two array blocking queues. */
    @Benchmark
    public byte[] arrayBlockingQueue(BlockingPair p) throws InterruptedException {
        p.ping.put(p.message);
        byte[] r = p.pong.poll(REPLY_BOUND.toNanos(), TimeUnit.NANOSECONDS);
        if (r == null) {
            throw p.echo.noReply("ArrayBlockingQueue");
        }
        return r;
    }
}
