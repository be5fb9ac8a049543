package org.multios.ipc.bench.queue;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.bench.FramedSocketChild;
import org.multios.ipc.bench.PortEchoChild;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
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
 * a core on each side), each queue a ring with priorities or, with {@code ring=lane}, a lane
 * ({@link QueueOptions#lane()}: first in first out, one sender and one receiver at a time).
 * Peer in the same run: a blocking JDK Unix-domain socket carrying the same
 * messages with a 4-byte length prefix ({@link org.multios.ipc.bench.Frames}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class QueueRoundTrip {
    /** Bytes of each message. */
    static final int SIZE = 64;

    /** Two named queues shared with a child JVM that echoes on them. */
    public static class QueueChild extends PortEchoChild {
        /** The kind of both queues: {@code priorities} (the default queue) or {@code lane}. */
        @Param({"priorities", "lane"})
        public String ring;

        public QueueChild() {
            super(SIZE);
        }

        /** Messages go out on ping and come back on pong. */
        @Override
        protected void open(Trial t) {
            MessageQueueService queues = t.openIpc().service(MessageQueueService.class);
            QueueOptions options = QueueOptions.of(SIZE, 16).withWaitStrategy(waitStrategy())
                    .withLane(ring.equals("lane"));
            MessageQueue ping = queues.create("ping", options);
            MessageQueue pong = queues.create("pong", options);
            // the child sends one byte on pong when it has opened both queues
            echo(ping, pong, t.startChild(QueueEchoChild.class, List.of(), "queue", t.root().toString(), "ping", "pong",
                    Integer.toString(SIZE)), "open the queues");
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
