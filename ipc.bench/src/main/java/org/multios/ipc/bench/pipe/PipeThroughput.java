package org.multios.ipc.bench.pipe;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.bench.BenchRoot;
import org.multios.ipc.bench.queue.BackgroundLoop;
import org.multios.ipc.bench.queue.QueueThroughput;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;
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
 * One-way byte-stream throughput between two threads of one process: the benchmark thread
 * writes {@value #CHUNK}-byte blocks with blocking calls, and a reader thread owned by the
 * trial (started in setup, joined in teardown) reads with blocking calls of up to
 * {@value #CHUNK} bytes and counts what arrives. One operation is one 4 KiB write; bytes per
 * second are operations per second times 4096. The buffer between them keeps the writer within
 * a buffer's worth of the reader.
 *
 * <p>Project: an unnamed pipe with a 64 KiB buffer (the Linux default for {@code pipe(2)}),
 * and a named pipe (a FIFO in the IPC root; its 64 KiB buffer is the kernel's). Peers in the
 * same run: {@link Pipe java.nio.channels.Pipe}, which on Linux is an OS pipe, and a JDK
 * Unix-domain {@link SocketChannel} pair (kernel socket buffers), both blocking.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PipeThroughput {
    /** Bytes of each write. */
    static final int CHUNK = 4096;
    /** Bytes of the unnamed pipe's buffer. */
    static final int BUFFER = 64 * 1024;

    /** The project's pipes: an IPC context and a reader thread on one pipe's ends. */
    abstract static class ProjectPipe {
        BenchRoot root;
        IpcContext ipc;
        PipeReader reader;
        PipeWriter writer;
        BackgroundLoop loop;
        final byte[] block = new byte[CHUNK];
        long received;

        abstract void open(PipeService pipes);

        void start(String name) {
            root = new BenchRoot();
            try {
                ipc = Ipc.open(new IpcEnvironment(root.path(), IpcLimits.defaults()));
                open(ipc.service(PipeService.class));
                byte[] in = new byte[CHUNK];
                loop = BackgroundLoop.start(name, () -> {
                    int n = reader.read(in, 0, in.length);
                    if (n < 0) {
                        return false;
                    }
                    received += n;
                    return true;
                }, () -> writer.close());
            } catch (RuntimeException e) {
                stop();
                throw e;
            }
        }

        void write() {
            try {
                writer.write(block, 0, CHUNK);
            } catch (IpcException e) {
                throw loop.failed(e);
            }
        }

        void stop() {
            try {
                if (loop != null) {
                    loop.stop(() -> reader.close());
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

    /** An unnamed pipe with a 64 KiB buffer. */
    @State(Scope.Thread)
    public static class Unnamed extends ProjectPipe {
        @Override
        void open(PipeService pipes) {
            org.multios.ipc.pipe.Pipe pipe = pipes.create(BUFFER, Set.of());
            reader = pipe.reader();
            writer = pipe.writer();
        }

        @Setup(Level.Trial)
        public void setUp() {
            start("unnamed-pipe-reader");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /** A named pipe (FIFO) with one reading and one writing end in this process. */
    @State(Scope.Thread)
    public static class Named extends ProjectPipe {
        @Override
        void open(PipeService pipes) {
            pipes.createNamed("throughput", 0600);
            reader = pipes.openReader("throughput");
            writer = pipes.openWriter("throughput");
        }

        @Setup(Level.Trial)
        public void setUp() {
            start("named-pipe-reader");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /** A JDK byte channel pair and a reader thread; the peers' common part. */
    abstract static class JdkStream {
        BenchRoot root;
        BackgroundLoop loop;
        final ByteBuffer block = ByteBuffer.allocateDirect(CHUNK);
        long received;

        abstract void open() throws IOException;

        abstract int read(ByteBuffer dst) throws IOException;

        abstract void writeFully(ByteBuffer src) throws IOException;

        abstract void closeOut();

        abstract void closeIn();

        void start(String name) throws IOException {
            root = new BenchRoot();
            try {
                open();
                ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
                loop = BackgroundLoop.start(name, () -> {
                    in.clear();
                    int n = read(in);
                    if (n < 0) {
                        return false;
                    }
                    received += n;
                    return true;
                }, this::closeOut);
            } catch (IOException | RuntimeException e) {
                stop();
                throw e;
            }
        }

        /** Writes 4 KiB, from a direct buffer as a careful user of NIO would. */
        void write() {
            block.clear();
            try {
                writeFully(block);
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

    /** {@code java.nio.channels.Pipe}: an OS pipe on Linux. */
    @State(Scope.Thread)
    public static class OsPipe extends JdkStream {
        Pipe pipe;

        @Override
        void open() throws IOException {
            pipe = Pipe.open();
        }

        @Override
        int read(ByteBuffer dst) throws IOException {
            return pipe.source().read(dst);
        }

        @Override
        void writeFully(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                pipe.sink().write(src);
            }
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
            start("os-pipe-reader");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /** A connected pair of JDK Unix-domain socket channels. */
    @State(Scope.Thread)
    public static class UnixSocket extends JdkStream {
        SocketChannel client;
        SocketChannel server;

        @Override
        void open() throws IOException {
            SocketChannel[] pair = QueueThroughput.socketPair(root.path().resolve("pipe-peer.sock"));
            client = pair[0];
            server = pair[1];
        }

        @Override
        int read(ByteBuffer dst) throws IOException {
            return server.read(dst);
        }

        @Override
        void writeFully(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                client.write(src);
            }
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
            start("unix-socket-reader");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stop();
        }
    }

    /** Project: 4 KiB into an unnamed pipe, drained by the reader thread. */
    @Benchmark
    public void unnamedPipe(Unnamed s) {
        s.write();
    }

    /** Project: 4 KiB into a named pipe (FIFO), drained by the reader thread. */
    @Benchmark
    public void namedPipe(Named s) {
        s.write();
    }

    /** Peer: 4 KiB into an OS pipe ({@code java.nio.channels.Pipe}), drained by the reader thread. */
    @Benchmark
    public void osPipe(OsPipe s) {
        s.write();
    }

    /** Peer: 4 KiB into a Unix-domain socket, drained by the reader thread. */
    @Benchmark
    public void unixSocket(UnixSocket s) {
        s.write();
    }
}
