package org.multios.ipc.bench.channel;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.multios.ipc.bench.ChildJvm;
import org.multios.ipc.bench.FramedSocketChild;
import org.multios.ipc.bench.Frames;
import org.multios.ipc.bench.PortEchoChild;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;

/**
 * Round trips of a {@value #SIZE}-byte message between two OS processes: the benchmark thread
 * sends a message and waits for it to come back from a {@link ChannelEchoChild} in a child JVM
 * started for the trial. One operation is one round trip (two messages); sampled, so JMH
 * reports percentiles. In the same run:
 * <ul>
 * <li>project: one named channel, this JVM on end A, the child on end B, blocking calls with
 * the channel's wait strategy {@code wait} ({@code block}: a waiting receiver sleeps on a futex
 * at once; {@code adaptive}: it spins the default budget first; {@code spin}: it never sleeps
 * and holds a core on each side);</li>
 * <li>peer: Aeron IPC ({@value #AERON_IPC}, an exclusive publication and a subscription each
 * way) through a media driver embedded in this JVM ({@link ThreadingMode#SHARED}, Agrona's
 * default {@link BackoffIdleStrategy}), its directory under the trial's IPC root (on
 * /dev/shm where it exists); both sides wait for a message with the idle strategy of
 * {@code idle}: {@code backoff} is Agrona's default {@link BackoffIdleStrategy} (10 spins, 5
 * yields, then parks of 1 &#181;s doubling to 1 ms), {@code busySpin} a
 * {@link BusySpinIdleStrategy} that never sleeps and holds a core on each side;</li>
 * <li>peer: a blocking JDK Unix-domain socket carrying the same messages with a 4-byte length
 * prefix ({@link Frames}).</li>
 * </ul>
 * Aeron needs {@code jdk.internal.misc} open on Java 17: the flag is in {@link Fork} here, on
 * the children's command line ({@link ChildJvm}) and in this module's surefire
 * {@code argLine}, for the smoke test that runs every benchmark in the test JVM.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED") // as OPEN_INTERNAL_MISC
public class ChannelProcessRoundTrip {
    /**
     * Aeron's Agrona reaches {@code jdk.internal.misc.Unsafe}, which Java 17 keeps closed; given to
     * the benchmark's forks and to every child.
     */
    static final String OPEN_INTERNAL_MISC = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Bytes of each message. */
    static final int SIZE = ChannelFixture.MESSAGE_SIZE;
    /** Aeron's channel: IPC through the driver's shared-memory log buffers, 64 KiB terms. */
    static final String AERON_IPC = "aeron:ipc?term-length=64k";
    /** Aeron stream from this JVM to the child. */
    static final int PING_STREAM = 1001;
    /** Aeron stream from the child back to this JVM. */
    static final int PONG_STREAM = 1002;
    /** How long a reply may take before the child is declared dead. */
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);

    /** The idle strategy named {@code backoff} or {@code busySpin}. */
    static IdleStrategy idleStrategy(String name) {
        switch (name) {
            case "backoff":
                return new BackoffIdleStrategy();
            case "busySpin":
                return new BusySpinIdleStrategy();
            default:
                throw new IllegalArgumentException("idle strategy " + name + " is not backoff or busySpin");
        }
    }

    /** A named channel shared with a child JVM that echoes on its end B. */
    public static class ChannelChild extends PortEchoChild {
        /** Each direction a ring with priorities, or a lane ({@link ChannelFixture#options}). */
        @Param({"priorities", "lane"})
        public String ring;

        public ChannelChild() {
            super(SIZE);
        }

        /** Messages go out through end A and come back through it. */
        @Override
        protected void open(Trial t) {
            ChannelEnd end = t.own(t.openIpc().service(ChannelService.class).create("echo",
                    ChannelFixture.options(waitStrategy(), ring)));
            // the child sends one byte through end B when it has opened it
            echo(end, end, t.startChild(ChannelEchoChild.class, List.of(OPEN_INTERNAL_MISC), "channel",
                    t.root().toString(), "echo", Integer.toString(SIZE)), "open the channel");
        }
    }

    /** An embedded Aeron media driver, with a child JVM echoing between two IPC streams. */
    public static class AeronChild extends TrialState {
        /** How both sides wait for a message: {@code backoff} or {@code busySpin}. */
        @Param({"backoff", "busySpin"})
        public String idle;

        ExclusivePublication ping;
        Subscription pong;
        ChildJvm child;
        IdleStrategy idler;
        final UnsafeBuffer out = new UnsafeBuffer(new byte[SIZE]);
        final byte[] in = new byte[SIZE];
        int received;
        final FragmentHandler handler = this::onFragment;

        @Override
        protected void open(Trial t) {
            idler = idleStrategy(idle);
            MediaDriver driver = t.own(MediaDriver.launchEmbedded(new MediaDriver.Context()
                    .aeronDirectoryName(t.root().resolve("aeron").toString())
                    .threadingMode(ThreadingMode.SHARED)
                    .sharedIdleStrategy(new BackoffIdleStrategy())
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)));
            Aeron aeron = t.own(Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())));
            pong = aeron.addSubscription(AERON_IPC, PONG_STREAM);
            ping = aeron.addExclusivePublication(AERON_IPC, PING_STREAM);
            child = t.startChild(ChannelEchoChild.class, List.of(OPEN_INTERNAL_MISC), "aeron",
                    driver.aeronDirectoryName(), idle, Integer.toString(SIZE));
            // the child offers one byte on pong once its publication is connected
            child.awaitSign("connect to the media driver", () -> pong.poll(handler, 1) > 0 ? pong : null);
            ChildJvm.settle(this::roundTrip);
        }

        private void onFragment(DirectBuffer buffer, int offset, int length, Header header) {
            buffer.getBytes(offset, in, 0, length);
            received = length;
        }

        /** Offers one message on ping and polls pong until its echo comes. */
        int roundTrip() {
            long deadline = System.nanoTime() + REPLY_BOUND.toNanos();
            long r;
            while ((r = ping.offer(out, 0, SIZE)) < 0) {
                if (r == Publication.CLOSED || r == Publication.MAX_POSITION_EXCEEDED
                        || System.nanoTime() - deadline > 0) {
                    throw child.failure("ping offer failed: " + Publication.errorString(r));
                }
                idler.idle();
            }
            idler.reset();
            received = -1;
            while (pong.poll(handler, 1) == 0) {
                if (System.nanoTime() - deadline > 0) {
                    throw child.failure("no reply within " + REPLY_BOUND.toSeconds() + " s");
                }
                idler.idle();
            }
            idler.reset();
            return received;
        }
    }

    /** A Unix-domain socket connected to a child JVM that echoes on it. */
    public static class SocketChild extends FramedSocketChild {
        public SocketChild() {
            super(ChannelEchoChild.class, List.of(OPEN_INTERNAL_MISC), SIZE);
        }
    }

    /** Project: a message to the child through a named channel and back through it. */
    @Benchmark
    public int channel(ChannelChild c) {
        return c.roundTrip();
    }

    /** Peer: the same message to the child and back over two Aeron IPC streams. */
    @Benchmark
    public int aeronIpc(AeronChild c) {
        return c.roundTrip();
    }

    /** Peer: the same message to the child and back over a Unix-domain socket. */
    @Benchmark
    public int unixSocket(SocketChild c) {
        return c.roundTrip();
    }
}
