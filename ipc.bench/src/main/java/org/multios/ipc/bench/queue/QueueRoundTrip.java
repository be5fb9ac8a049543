package org.multios.ipc.bench.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.bench.ChildJvm;
import org.multios.ipc.bench.FramedSocketChild;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.WaitStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

/**
 * Message round trips between two OS processes: the benchmark thread sends a
 * {@value #SIZE}-byte message and waits for it to come back from a {@link QueueEchoChild} in a
 * child JVM started for the trial. One operation is one round trip (two messages, two
 * wake-ups); sampled, so JMH reports percentiles. Project: two named message queues, one each
 * way, blocking calls with the queues' wait strategy {@code wait} ({@code block}: sleep in the
 * kernel at once; {@code adaptive}: spin the default budget first; {@code spin}: never sleep,
 * a core on each side). Peer in the same run: a blocking JDK Unix-domain socket carrying the same
 * messages with a 4-byte length prefix ({@link org.multios.ipc.bench.Frames}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QueueRoundTrip {
    /** Bytes of each message. */
    static final int SIZE = 64;
    /** How long a reply may take before the child is declared dead. */
    private static final Duration REPLY_BOUND = Duration.ofSeconds(10);

    /** Two named queues shared with a child JVM that echoes on them. */
    public static class QueueChild extends TrialState {
        /** The queues' wait strategy, as {@link WaitStrategy#parse} reads it (the child opens them with it). */
        @Param({"block", "adaptive", "spin"})
        public String wait;

        MessageQueue ping;
        MessageQueue pong;
        ChildJvm child;
        final byte[] out = new byte[SIZE];
        final byte[] in = new byte[SIZE];
        final MessageInfo info = new MessageInfo();

        @Override
        protected void open(Trial t) {
            MessageQueueService queues = t.openIpc().service(MessageQueueService.class);
            WaitStrategy strategy = WaitStrategy.parse(wait);
            ping = queues.create("ping", QueueOptions.of(SIZE, 16).withWaitStrategy(strategy));
            pong = queues.create("pong", QueueOptions.of(SIZE, 16).withWaitStrategy(strategy));
            child = t.startChild(QueueEchoChild.class, List.of(), "queue", t.root().toString(), "ping", "pong",
                    Integer.toString(SIZE));
            // the child sends one byte on pong when it has opened both queues
            child.awaitReady("open the queues", timeout -> pong.receive(in, 0, SIZE, info, timeout));
            ChildJvm.settle(this::roundTrip);
        }

        /** Sends one message on ping and waits for it on pong. */
        int roundTrip() {
            ping.send(out, 0, SIZE, 0);
            try {
                return pong.receive(in, 0, SIZE, info, REPLY_BOUND);
            } catch (IpcException e) {
                throw child.noReply(REPLY_BOUND, e);
            }
        }
    }

    /** A Unix-domain socket connected to a child JVM that echoes on it. */
    public static class SocketChild extends FramedSocketChild {
        public SocketChild() {
            super(QueueEchoChild.class, List.of(), SIZE);
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
