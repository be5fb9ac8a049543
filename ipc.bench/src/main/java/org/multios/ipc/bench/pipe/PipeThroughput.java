package org.multios.ipc.bench.pipe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcException;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.bench.StreamPair;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.pipe.PipeWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

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
    public abstract static class ProjectPipe extends TrialState {
        PipeWriter writer;
        BackgroundLoop loop;
        final byte[] block = new byte[CHUNK];
        long received;

        /** Opens the pipe's reading end; sets {@link #writer}. */
        abstract PipeReader open(PipeService pipes);

        /** The reader thread's name. */
        abstract String readerName();

        @Override
        protected void open(Trial t) {
            PipeReader reader = open(t.openIpc().service(PipeService.class));
            byte[] in = new byte[CHUNK];
            loop = t.startLoop(readerName(), () -> {
                int n = reader.read(in, 0, in.length);
                if (n < 0) {
                    return false;
                }
                received += n;
                return true;
            }, () -> writer.close(), () -> reader.close());
        }

        void write() {
            try {
                writer.write(block, 0, CHUNK);
            } catch (IpcException e) {
                throw loop.failed(e);
            }
        }
    }

    /** An unnamed pipe with a 64 KiB buffer. */
    public static class Unnamed extends ProjectPipe {
        @Override
        PipeReader open(PipeService pipes) {
            org.multios.ipc.pipe.Pipe pipe = pipes.create(BUFFER, Set.of());
            writer = pipe.writer();
            return pipe.reader();
        }

        @Override
        String readerName() {
            return "unnamed-pipe-reader";
        }
    }

    /** A named pipe (FIFO) with one reading and one writing end in this process. */
    public static class Named extends ProjectPipe {
        @Override
        PipeReader open(PipeService pipes) {
            pipes.createNamed("throughput", 0600);
            PipeReader reader = pipes.openReader("throughput");
            writer = pipes.openWriter("throughput");
            return reader;
        }

        @Override
        String readerName() {
            return "named-pipe-reader";
        }
    }

    /** A JDK byte channel pair and a reader thread; the peers' common part. */
    public abstract static class JdkStream extends TrialState {
        private final StreamPair.Kind kind;
        WritableByteChannel out;
        BackgroundLoop loop;
        final ByteBuffer block = ByteBuffer.allocateDirect(CHUNK);
        long received;

        JdkStream(StreamPair.Kind kind) {
            this.kind = kind;
        }

        @Override
        protected void open(Trial t) throws IOException {
            StreamPair streams = t.own(kind.open(t.root()));
            out = streams.out();
            ReadableByteChannel source = streams.in();
            ByteBuffer in = ByteBuffer.allocateDirect(CHUNK);
            loop = t.startLoop(kind.label() + "-reader", () -> {
                in.clear();
                int n = source.read(in);
                if (n < 0) {
                    return false;
                }
                received += n;
                return true;
            }, streams::closeOut, streams::closeIn);
        }

        /** Writes 4 KiB, from a direct buffer as a careful user of NIO would. */
        void write() {
            block.clear();
            try {
                while (block.hasRemaining()) {
                    out.write(block);
                }
            } catch (IOException e) {
                throw loop.failed(e);
            }
        }
    }

    /** {@code java.nio.channels.Pipe}: an OS pipe on Linux. */
    public static class OsPipe extends JdkStream {
        public OsPipe() {
            super(StreamPair.Kind.OS_PIPE);
        }
    }

    /** A connected pair of JDK Unix-domain socket channels. */
    public static class UnixSocket extends JdkStream {
        public UnixSocket() {
            super(StreamPair.Kind.UNIX_SOCKET);
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
