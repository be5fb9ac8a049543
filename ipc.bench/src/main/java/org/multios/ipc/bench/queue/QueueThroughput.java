package org.multios.ipc.bench.queue;

import java.io.IOException;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.bench.Frames;
import org.multios.ipc.bench.StreamPair;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

/**
 * One-way message throughput between two threads of one process: the benchmark thread sends
 * {@code size}-byte messages with blocking calls, and a receiver thread owned by the trial
 * (started in setup, joined in teardown) takes them with blocking calls, checking each length.
 * One operation is one message sent; the bounded buffer between them keeps the sender within
 * a buffer's worth of the receiver, so the rate is that of the pair. Bytes per second are
 * operations per second times {@code size}.
 *
 * <p>Project: a named message queue (256 messages of {@code size} bytes), one handle per
 * thread. Peers in the same run: the same messages with a 4-byte length prefix through a JDK
 * Unix-domain {@link SocketChannel} pair and through {@link Pipe java.nio.channels.Pipe},
 * which on Linux is an OS pipe ({@code pipe(2)}), both blocking; see {@link Frames}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueThroughput {
    /** Messages the project's queue holds. */
    static final int QUEUE_MESSAGES = 256;

    /** A named queue with a sending and a receiving handle, and the receiver thread. */
    public static class QueueState extends TrialState {
        @Param({"64", "4096"})
        public int size;

        MessageQueue sender;
        BackgroundLoop loop;
        byte[] message;

        @Override
        protected void open(Trial t) {
            MessageQueueService queues = t.openIpc().service(MessageQueueService.class);
            sender = queues.create("throughput", QueueOptions.of(size, QUEUE_MESSAGES));
            MessageQueue receiver = queues.open("throughput", Rights.READ, Set.of());
            message = new byte[size];
            byte[] in = new byte[size];
            MessageInfo info = new MessageInfo();
            int expected = size;
            loop = t.startLoop("queue-throughput-receiver", () -> {
                int n = receiver.receive(in, 0, in.length, info);
                if (n != expected) {
                    throw new IllegalStateException("received " + n + " bytes, sent " + expected);
                }
                return true;
            }, sender::close, receiver::close);
        }

        void send() {
            try {
                sender.send(message, 0, message.length, 0);
            } catch (IpcException e) {
                throw loop.failed(e);
            }
        }
    }

    /** A blocking byte stream carrying framed messages, and the receiver thread; the peers' common part. */
    public abstract static class StreamState extends TrialState {
        @Param({"64", "4096"})
        public int size;

        private final StreamPair.Kind kind;
        Frames.Writer writer;
        BackgroundLoop loop;
        byte[] message;

        StreamState(StreamPair.Kind kind) {
            this.kind = kind;
        }

        @Override
        protected void open(Trial t) throws IOException {
            StreamPair streams = t.own(kind.open(t.root()));
            writer = new Frames.Writer(streams.out(), size);
            message = new byte[size];
            Frames.Reader reader = new Frames.Reader(streams.in());
            byte[] received = new byte[size];
            int expected = size;
            loop = t.startLoop(kind.label() + "-throughput-receiver", () -> {
                int n = reader.read(received);
                if (n < 0) {
                    return false;
                }
                if (n != expected) {
                    throw new IllegalStateException("received " + n + " bytes, sent " + expected);
                }
                return true;
            }, streams::closeOut, streams::closeIn);
        }

        void send() {
            try {
                writer.write(message, 0, message.length);
            } catch (IOException e) {
                throw loop.failed(e);
            }
        }
    }

    /** A connected pair of JDK Unix-domain socket channels, blocking. */
    public static class SocketState extends StreamState {
        public SocketState() {
            super(StreamPair.Kind.UNIX_SOCKET);
        }
    }

    /** A {@code java.nio.channels.Pipe}: an OS pipe on Linux, blocking. */
    public static class PipeState extends StreamState {
        public PipeState() {
            super(StreamPair.Kind.OS_PIPE);
        }
    }

    /** Project: one message into a named queue, drained by the receiver thread. */
    @Benchmark
    public void queue(QueueState s) {
        s.send();
    }

    /** Peer: one length-prefixed message into a Unix-domain socket, drained by the receiver thread. */
    @Benchmark
    public void unixSocket(SocketState s) {
        s.send();
    }

    /** Peer: one length-prefixed message into an OS pipe ({@code java.nio.channels.Pipe}). */
    @Benchmark
    public void osPipe(PipeState s) {
        s.send();
    }
}
