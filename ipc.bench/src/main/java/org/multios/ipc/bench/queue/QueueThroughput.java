package org.multios.ipc.bench.queue;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
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
    @State(Scope.Thread)
    public static class QueueState {
        @Param({"64", "4096"})
        public int size;

        BenchRoot root;
        IpcContext ipc;
        MessageQueue sender;
        MessageQueue receiver;
        BackgroundLoop loop;
        byte[] message;

        @Setup(Level.Trial)
        public void setUp() {
            root = new BenchRoot();
            try {
                ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
                MessageQueueService queues = ipc.service(MessageQueueService.class);
                sender = queues.create("throughput", QueueOptions.of(size, QUEUE_MESSAGES));
                receiver = queues.open("throughput", Rights.READ, Set.of());
                message = new byte[size];
                byte[] in = new byte[size];
                MessageInfo info = new MessageInfo();
                int expected = size;
                loop = BackgroundLoop.start("queue-throughput-receiver", () -> {
                    int n = receiver.receive(in, 0, in.length, info);
                    if (n != expected) {
                        throw new IllegalStateException("received " + n + " bytes, sent " + expected);
                    }
                    return true;
                }, sender::close);
            } catch (RuntimeException e) {
                tearDown();
                throw e;
            }
        }

        void send() {
            try {
                sender.send(message, 0, message.length, 0);
            } catch (IpcException e) {
                throw loop.failed(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                if (loop != null) {
                    loop.stop(receiver::close);
                    loop = null;
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

    /** A blocking stream with framed messages and the receiver thread; the peers' common part. */
    abstract static class StreamState {
        BenchRoot root;
        Frames.Writer writer;
        BackgroundLoop loop;
        byte[] message;

        /** Connects the two ends. */
        abstract void open() throws IOException;

        abstract WritableByteChannel out();

        abstract ReadableByteChannel in();

        abstract void closeOut();

        abstract void closeIn();

        void start(int size, String name) throws IOException {
            root = new BenchRoot();
            try {
                open();
                writer = new Frames.Writer(out(), size);
                message = new byte[size];
                Frames.Reader reader = new Frames.Reader(in());
                byte[] received = new byte[size];
                loop = BackgroundLoop.start(name, () -> {
                    int n = reader.read(received);
                    if (n < 0) {
                        return false;
                    }
                    if (n != size) {
                        throw new IllegalStateException("received " + n + " bytes, sent " + size);
                    }
                    return true;
                }, this::closeOut);
            } catch (IOException | RuntimeException e) {
                stop();
                throw e;
            }
        }

        void send() {
            try {
                writer.write(message, 0, message.length);
            } catch (IOException e) {
                throw loop.failed(e);
            }
        }

        void stop() {
            try {
                if (loop != null) {
                    loop.stop(this::closeIn);
                    loop = null;
                }
            } finally {
                try {
                    closeOut();
                    closeIn();
                } finally {
                    if (root != null) {
                        root.close();
                        root = null;
                    }
                }
            }
        }

        static void quietly(Closeable c) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // closing to stop; nothing to save
                }
            }
        }
    }

    /** A connected pair of JDK Unix-domain socket channels, blocking. */
    @State(Scope.Thread)
    public static class SocketState extends StreamState {
        @Param({"64", "4096"})
        public int size;

        SocketChannel client;
        SocketChannel server;

        @Override
        void open() throws IOException {
            SocketChannel[] pair = socketPair(root.path().resolve("throughput.sock"));
            client = pair[0];
            server = pair[1];
        }

        @Override
        WritableByteChannel out() {
            return client;
        }

        @Override
        ReadableByteChannel in() {
            return server;
        }

        @Override
        void closeOut() {
            quietly(client);
        }

        @Override
        void closeIn() {
            quietly(server);
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            start(size, "unix-socket-throughput-receiver");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /** A {@code java.nio.channels.Pipe}: an OS pipe on Linux, blocking. */
    @State(Scope.Thread)
    public static class PipeState extends StreamState {
        @Param({"64", "4096"})
        public int size;

        Pipe pipe;

        @Override
        void open() throws IOException {
            pipe = Pipe.open();
        }

        @Override
        WritableByteChannel out() {
            return pipe.sink();
        }

        @Override
        ReadableByteChannel in() {
            return pipe.source();
        }

        @Override
        void closeOut() {
            if (pipe != null) {
                quietly(pipe.sink());
            }
        }

        @Override
        void closeIn() {
            if (pipe != null) {
                quietly(pipe.source());
            }
        }

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            start(size, "os-pipe-throughput-receiver");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /**
     * Connects a blocking Unix-domain socket pair through a listener bound at {@code path}
     * (removed again once connected).
     *
     * @return the connecting end and the accepted end
     */
    public static SocketChannel[] socketPair(Path path) throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(path));
            SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
            try {
                SocketChannel server = listener.accept();
                return new SocketChannel[] {client, server};
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        } finally {
            Files.deleteIfExists(path);
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
