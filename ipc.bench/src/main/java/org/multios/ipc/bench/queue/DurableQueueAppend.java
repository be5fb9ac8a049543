package org.multios.ipc.bench.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Rights;
import org.multios.ipc.bench.BackgroundLoop;
import org.multios.ipc.bench.Trial;
import org.multios.ipc.bench.TrialState;
import org.multios.ipc.channels.queue.MessageQueueMechanism;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
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

import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Appending {@code size}-byte messages to disk, one thread, throughput and latency (sample time):
 * one operation is one message appended; the files live in a fresh directory under
 * {@code java.io.tmpdir} (a disk file system here, never tmpfs).
 *
 * <ul>
 * <li>project: a durable queue of each {@link QueueDurability} level on disk ({@code SYNC}
 * returns once the message is on stable storage, {@code GROUP} shares one flush per 2 ms,
 * {@code OS} leaves write-back to the kernel), drained by a receiver thread the trial owns so
 * the bounded queue never fills;</li>
 * <li>peer: Chronicle Queue ({@code net.openhft}) with its default settings (a single-file-per-
 * cycle queue, written back by the kernel: the like of {@code OS}), appending the same bytes;</li>
 * <li>peer: a plain {@link FileChannel} append followed by {@code force(false)}
 * ({@code fdatasync}) per message: the disk's own limit for synchronous appends, the like of
 * {@code SYNC}.</li>
 * </ul>
 *
 * Chronicle Queue on Java 17 needs the exports and opens in {@link Fork} here (from its
 * documentation).
 */
@BenchmarkMode({ Mode.Throughput, Mode.SampleTime })
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(jvmArgsAppend = { "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
        "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
        "--add-opens=java.base/java.util=ALL-UNNAMED", "-Dchronicle.analytics.disable=true" })
public class DurableQueueAppend {
    /** Messages the project's queue holds. */
    static final int QUEUE_MESSAGES = 256;

    /** A fresh directory on disk for one trial, removed afterwards ({@link #delete}). */
    public static Path diskDirectory() {
        try {
            return Files.createTempDirectory("ipc-durable-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a directory and everything in it; nothing for null. */
    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A durable queue on disk, a sending and a receiving handle, and the receiver thread. */
    public static class QueueState extends TrialState {
        @Param({ "64", "4096" })
        public int size;

        @Param({ "SYNC", "GROUP", "OS" })
        public QueueDurability durability;

        MessageQueue sender;
        BackgroundLoop loop;
        byte[] message;

        @Override
        protected void open(Trial t) {
            Path disk = diskDirectory();
            t.own(() -> delete(disk));
            System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, disk.toString());
            try {
                MessageQueueService queues = t.openIpc().service(MessageQueueService.class);
                sender = queues.create("appended", QueueOptions.of(size, QUEUE_MESSAGES).withDurability(durability));
                MessageQueue receiver = queues.open("appended", Rights.READ, Set.of());
                message = new byte[size];
                byte[] in = new byte[size];
                MessageInfo info = new MessageInfo();
                loop = t.startLoop("durable-queue-receiver", () -> {
                    receiver.receive(in, 0, in.length, info);
                    return true;
                }, sender::close, receiver::close);
            } finally {
                System.clearProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
            }
        }
    }

    /** A Chronicle Queue with its default settings in a fresh directory on disk. */
    @State(Scope.Thread)
    public static class ChronicleState {
        @Param({ "64", "4096" })
        public int size;

        Path disk;
        ChronicleQueue queue;
        ExcerptAppender appender;
        byte[] message;

        @Setup(Level.Trial)
        public void setUp() {
            disk = diskDirectory();
            queue = SingleChronicleQueueBuilder.binary(disk.toFile()).build();
            appender = queue.createAppender();
            message = new byte[size];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (appender != null) {
                appender.close();
            }
            if (queue != null) {
                queue.close();
            }
            delete(disk);
        }
    }

    /** A file appended to with a plain {@link FileChannel}, forced after each message. */
    @State(Scope.Thread)
    public static class FileState {
        @Param({ "64", "4096" })
        public int size;

        Path disk;
        FileChannel channel;
        ByteBuffer message;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            disk = diskDirectory();
            channel = FileChannel.open(disk.resolve("appended"), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            message = ByteBuffer.allocateDirect(size);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            if (channel != null) {
                channel.close();
            }
            delete(disk);
        }
    }

    /** Project: one message into a durable queue, as durable as its level says when the send returns. */
    @Benchmark
    public void durableQueue(QueueState s) {
        try {
            s.sender.send(s.message, 0, s.message.length, 0);
        } catch (IpcException e) {
            throw s.loop.failed(e);
        }
    }

    /** Peer: one message appended to a Chronicle Queue, default settings (no flush). */
    @Benchmark
    public void chronicleQueue(ChronicleState s) {
        byte[] m = s.message;
        s.appender.writeBytes(b -> b.write(m));
    }

    /** Peer: one message appended to a file and forced to the disk ({@code fdatasync}). */
    @Benchmark
    public void fileChannelForce(FileState s) throws IOException {
        s.message.clear();
        while (s.message.hasRemaining()) {
            s.channel.write(s.message);
        }
        s.channel.force(false);
    }
}
