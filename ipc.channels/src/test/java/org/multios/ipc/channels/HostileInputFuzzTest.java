package org.multios.ipc.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.multios.ipc.fuzz.Fuzz.forAll;
import static org.multios.ipc.fuzz.Fuzz.returnsOrThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.fuzz.Fuzz;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.channel.ChannelDescriptor;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.pipe.PipeService;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;

/**
 * Bad input to the named objects of ipc.channels, on random cases (harness: {@link Fuzz}):
 * <ul>
 * <li>hostile names given to create, open and unlink of queues, channels and named pipes fail
 * with INVALID_ARGUMENT and never touch a file outside the IPC root;</li>
 * <li>object-file headers and queue/channel headers overwritten by a hostile process (random
 * fields, plausible values, bit flips, truncation, also under a mapping) make open fail with an IpcException, or
 * work;</li>
 * <li>message rings overwritten by a hostile process (slot indices, lengths, priorities,
 * sequence numbers, heads and tails) never make send or receive throw anything but an
 * IpcException, deliver more bytes than the message size, hang (timed receives return), nor
 * disturb another queue or channel.</li>
 * </ul>
 * A try that takes longer than {@value #TRY_SECONDS} s counts as a hang and names its seed.
 * {@code -Dipc.fuzz.tries=N} fuzzes longer, {@code -Dipc.fuzz.seed=S -Dipc.fuzz.tries=1} replays
 * a failure, e.g.
 * <pre>mvn -o -pl ipc.api,ipc.shm,ipc.channels -am verify -Dtest=HostileInputFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dipc.fuzz.tries=20000</pre>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputFuzzTest {
    private static final int TRY_SECONDS = 10;
    private static final int MAX_MESSAGE = 64;
    private static final int MAX_MESSAGES = 8;

    @TempDir
    Path tempDir;
    private Path parent;
    private Path root;
    private IpcContext ipc;
    private MessageQueueService queues;
    private ChannelService channels;

    @BeforeEach
    void open() throws IOException {
        Path devShm = Path.of("/dev/shm");
        parent = Files.isDirectory(devShm) && Files.isWritable(devShm)
                ? Files.createTempDirectory(devShm, "ipc-fuzz-channels-") : tempDir.resolve("parent");
        Files.createDirectories(parent);
        root = parent.resolve("root");
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        queues = ipc.service(MessageQueueService.class);
        channels = ipc.service(ChannelService.class);
    }

    @AfterEach
    void close() throws IOException {
        ipc.close();
        try (Stream<Path> files = Files.walk(parent)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    // ------------------------------------------------------------------ names

    @Test
    void hostileNamesFailWithInvalidArgumentAndStayInTheRoot() throws IOException {
        PipeService pipes = ipc.service(PipeService.class);
        forAll(300, r -> {
            String name = Fuzz.name(r);
            boolean valid = Fuzz.validName(name);
            IpcError[] ok = valid ? new IpcError[] { IpcError.NOT_FOUND, IpcError.ALREADY_EXISTS }
                    : new IpcError[] { IpcError.INVALID_ARGUMENT };
            check(valid, returnsOrThrows(() -> queues.open(name).close(), ok));
            check(valid, returnsOrThrows(() -> queues.create(name, QueueOptions.of(8, 1)).close(), ok));
            check(valid, returnsOrThrows(() -> queues.unlink(name), ok));
            check(valid, returnsOrThrows(() -> channels.open(name, ChannelSide.A).close(), ok));
            check(valid, returnsOrThrows(() -> channels.create(name, ChannelOptions.ofBufferSize(64)).close(), ok));
            check(valid, returnsOrThrows(() -> channels.unlink(name), ok));
            check(valid, returnsOrThrows(() -> pipes.createNamed(name, 0600), ok));
            check(valid, returnsOrThrows(() -> pipes.unlink(name), ok));
            assertOnlyValidNamesUnderTheRoot();
        });
    }

    private static void check(boolean valid, IpcException e) {
        if (!valid) {
            assertThat(e).as("an invalid name must be refused").isNotNull();
        }
    }

    private void assertOnlyValidNamesUnderTheRoot() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> p = Files.list(parent); Stream<Path> all = Files.walk(root)) {
            assertThat(p.toList()).as("the root's parent").containsExactly(root);
            for (Path f : all.toList()) {
                Path rel = root.relativize(f);
                assertThat(rel.getNameCount()).as("depth of %s", f).isLessThanOrEqualTo(2);
                if (rel.getNameCount() == 2) {
                    String n = rel.getFileName().toString();
                    assertThat(Fuzz.validName(n) || n.startsWith(".")).as("file %s", f).isTrue();
                    assertThat(Files.isSymbolicLink(f)).isFalse();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ headers

    @Test
    void hostileQueueHeadersFailWithAnIpcExceptionOrWork() {
        forAll(150, r -> hostile(r, () -> {
            String name = "q" + r.nextInt(1_000_000);
            queues.create(name, QueueOptions.of(MAX_MESSAGE, MAX_MESSAGES)).close();
            Path file = root.resolve("queue").resolve(name);
            if (r.nextBoolean()) {
                earlierQueue(file);
            }
            corruptHeader(r, file);
            MessageQueue[] q = { null };
            returnsOrThrows(() -> q[0] = queues.open(name), IpcError.CORRUPTED, IpcError.PROTOCOL_ERROR,
                    IpcError.INVALID_ARGUMENT, IpcError.PERMISSION_DENIED, IpcError.IO_ERROR);
            if (q[0] != null) {
                exercise(r, q[0], MAX_MESSAGE);
                q[0].close();
            }
            Files.deleteIfExists(file); // its owner may have been rewritten: remove it as the OS allows
        }));
    }

    @Test
    void hostileChannelHeadersFailWithAnIpcExceptionOrWork() {
        forAll(150, r -> hostile(r, () -> {
            String name = "c" + r.nextInt(1_000_000);
            channels.create(name, channelOptions()).close();
            Path file = root.resolve("channel").resolve(name);
            if (r.nextBoolean()) {
                earlierChannel(file);
            }
            corruptHeader(r, file, CHANNEL_COUNTER_SLOTS);
            // a listing reads the counter slots from a copy of the header: it never fails
            ipc.runtime().objects();
            ChannelEnd[] c = { null };
            returnsOrThrows(() -> c[0] = channels.open(name, r.nextBoolean() ? ChannelSide.A : ChannelSide.B),
                    IpcError.CORRUPTED, IpcError.PROTOCOL_ERROR, IpcError.INVALID_ARGUMENT,
                    IpcError.PERMISSION_DENIED, IpcError.IO_ERROR);
            if (c[0] != null) {
                exercise(r, c[0], MAX_MESSAGE);
                c[0].close();
            }
            Files.deleteIfExists(file);
        }));
    }

    /** Queue layout version of the files of the layout before (QueueDescriptor.LAYOUT_VERSION_PRN3). */
    private static final int EARLIER_QUEUE_LAYOUT = 5;

    /** Lays a closed queue's file out again in the layout before (rings of magic PRN3). */
    private static void earlierQueue(Path file) throws IOException {
        EarlierLayouts.rewrite(file, EARLIER_QUEUE_LAYOUT, PriorityRingDescriptor.length(MAX_MESSAGES, MAX_MESSAGE,
                PriorityRingDescriptor.FREE_SCALE_PRN3), new long[] { 4096 }, new long[] { 4096 });
    }

    /** Lays a closed channel's file out again in the layout before (rings of magic PRN3). */
    private static void earlierChannel(Path file) throws IOException {
        int earlier = PriorityRingDescriptor.FREE_SCALE_PRN3;
        EarlierLayouts.rewrite(file, ChannelDescriptor.LAYOUT_VERSION_PRN3,
                ChannelDescriptor.dataLength(MAX_MESSAGES, MAX_MESSAGE, earlier),
                new long[] { ChannelDescriptor.ringOffset(ChannelSide.B, MAX_MESSAGES, MAX_MESSAGE),
                    ChannelDescriptor.ringOffset(ChannelSide.A, MAX_MESSAGES, MAX_MESSAGE) },
                new long[] { ChannelDescriptor.ringOffset(ChannelSide.B, MAX_MESSAGES, MAX_MESSAGE, earlier),
                    ChannelDescriptor.ringOffset(ChannelSide.A, MAX_MESSAGES, MAX_MESSAGE, earlier) });
    }

    private static ChannelOptions channelOptions() {
        return ChannelOptions.ofBufferSize(MAX_MESSAGE * MAX_MESSAGES).withMaxMessages(MAX_MESSAGES)
                .withMaxMessageSize(MAX_MESSAGE);
    }

    /** Holder and cells of a channel's counter slots of each end (ChannelDescriptor, layout 6). */
    private static final int[] CHANNEL_COUNTER_SLOTS = { 2112, 2176, 2184, 2432, 2752, 2816, 3392 - 8 };

    private static void corruptHeader(SplittableRandom r, Path file) throws IOException {
        corruptHeader(r, file, new int[0]);
    }

    /**
     * Overwrites the first page (common and object header) as a hostile process would; the words
     * at {@code extra} are among the fields it aims at.
     */
    private static void corruptHeader(SplittableRandom r, Path file, int[] extra) throws IOException {
        if (r.nextInt(10) == 0) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(r.nextInt(2) == 0 ? r.nextInt(4096 + 1) : r.nextLong(ch.size()));
            }
            return;
        }
        int[] fields = java.util.stream.IntStream.concat(java.util.Arrays.stream(new int[] { 8, 12, 16, 20, 24, 28,
            32, 40, 48, 56, 64, 68, 72, 76, 80, 3840, 3968 }), java.util.Arrays.stream(extra)).toArray();
        withMapping(file, 4096, b -> {
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                if (r.nextBoolean()) {
                    b.put(r.nextInt(4096), (byte) r.nextInt(256));
                } else {
                    int at = r.nextInt(3) == 0 ? r.nextInt(1023) & ~3 : fields[r.nextInt(fields.length)];
                    long v = interesting(r);
                    if (r.nextBoolean() && at % 8 == 0) {
                        b.putLong(at, v);
                    } else {
                        b.putInt(at, (int) v);
                    }
                }
            }
        });
    }

    // ------------------------------------------------------------------ rings

    @Test
    void hostileQueueRingsNeitherBreakTheApiNorOtherQueues() {
        forAll(150, r -> hostile(r, () -> {
            String name = "q" + r.nextInt(1_000_000);
            String other = "bystander" + r.nextInt(1_000_000);
            Path file = root.resolve("queue").resolve(name);
            MessageQueue made = queues.create(name, QueueOptions.of(MAX_MESSAGE, MAX_MESSAGES));
            int scale = r.nextBoolean() ? PriorityRingDescriptor.FREE_SCALE : PriorityRingDescriptor.FREE_SCALE_PRN3;
            if (scale == PriorityRingDescriptor.FREE_SCALE_PRN3) {
                made.close();
                earlierQueue(file);
                made = queues.open(name);
            }
            try (MessageQueue victim = made;
                    MessageQueue bystander = queues.create(other, QueueOptions.of(MAX_MESSAGE, MAX_MESSAGES))) {
                byte[] kept = Fuzz.bytes(r, MAX_MESSAGE);
                assertThat(bystander.trySend(kept, 0, kept.length, 7)).isTrue();
                fill(r, victim);
                corruptRing(r, file, 4096, scale);
                exercise(r, victim, MAX_MESSAGE);
                MessageQueue[] again = { null };
                returnsOrThrows(() -> again[0] = queues.open(name), IpcError.CORRUPTED);
                if (again[0] != null) {
                    exercise(r, again[0], MAX_MESSAGE);
                    again[0].close();
                }
                assertIntact(bystander, kept, 7);
            }
            queues.unlink(name);
            queues.unlink(other);
        }));
    }

    @Test
    void hostileChannelRingsNeitherBreakTheApiNorOtherChannels() {
        forAll(150, r -> hostile(r, () -> {
            String name = "c" + r.nextInt(1_000_000);
            String other = "bystander" + r.nextInt(1_000_000);
            Path file = root.resolve("channel").resolve(name);
            int scale = r.nextBoolean() ? PriorityRingDescriptor.FREE_SCALE : PriorityRingDescriptor.FREE_SCALE_PRN3;
            channels.create(name, channelOptions()).close();
            if (scale == PriorityRingDescriptor.FREE_SCALE_PRN3) {
                earlierChannel(file);
            }
            try (ChannelEnd a = channels.open(name, ChannelSide.A);
                    ChannelEnd b = channels.open(name, ChannelSide.B);
                    ChannelEnd otherA = channels.create(other, channelOptions());
                    ChannelEnd otherB = channels.open(other, ChannelSide.B)) {
                byte[] kept = Fuzz.bytes(r, MAX_MESSAGE);
                assertThat(otherA.trySend(kept, 0, kept.length, 3)).isTrue();
                fill(r, a);
                fill(r, b);
                long span = ChannelDescriptor.ringSpan(MAX_MESSAGES, MAX_MESSAGE, scale);
                corruptRing(r, file, 4096 + (r.nextBoolean() ? 0 : span), scale);
                exercise(r, a, MAX_MESSAGE);
                exercise(r, b, MAX_MESSAGE);
                assertIntact(otherB, kept, 3);
            }
            channels.unlink(name);
            channels.unlink(other);
        }));
    }

    private static void fill(SplittableRandom r, MessagePort port) {
        for (int n = r.nextInt(MAX_MESSAGES + 1); n > 0; n--) {
            byte[] m = Fuzz.bytes(r, MAX_MESSAGE);
            port.trySend(m, 0, m.length, r.nextInt(32));
        }
    }

    /**
     * Overwrites words of the ring at {@code base} in the file, laid out with {@code scale} (its
     * free ring {@code scale} times a priority's: this build's layout or, PRN3, the one before, whose
     * smaller ring must bound every index as well): controls, entries, slots; or, now
     * and then, truncates the file while it is mapped (issue 16 item 2: operations then fail with
     * CORRUPTED), where HotSpot throws the fault inside the call that faulted: Java 25. Java 17
     * compiled code may throw it after the call returned (RELIABILITY.md, "Files truncated under
     * a mapping").
     */
    private static void corruptRing(SplittableRandom r, Path file, long base, int scale) throws IOException {
        long ringLength = PriorityRingDescriptor.length(MAX_MESSAGES, MAX_MESSAGE, scale);
        if (Runtime.version().feature() >= 25 && r.nextInt(8) == 0) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(r.nextBoolean() ? r.nextLong(base + 1) : base + r.nextLong(ringLength));
            }
            return;
        }
        long slots = PriorityRingDescriptor.slotsOffset(MAX_MESSAGES, scale);
        int slotSize = PriorityRingDescriptor.slotSize(MAX_MESSAGE);
        int indexLength = PriorityRingDescriptor.indexLength(MAX_MESSAGES);
        withMapping(file, base + ringLength, b -> {
            for (int n = 1 + r.nextInt(6); n > 0; n--) {
                long at;
                boolean asLong;
                switch (r.nextInt(7)) {
                    case 0 -> { // the ring's own header: sizes, magic, budget, bitmap, sequences, sleepers, bytes
                        at = r.nextInt(7) * 64L + (r.nextBoolean() ? 0 : 4L * r.nextInt(8));
                        asLong = at == PriorityRingDescriptor.BYTES_OFFSET && r.nextBoolean();
                    }
                    case 1 -> { // a head or tail of an index ring
                        at = PriorityRingDescriptor.CONTROLS_OFFSET
                                + r.nextInt(PriorityRingDescriptor.INDEX_RINGS) * 128L + (r.nextBoolean() ? 0 : 64);
                        asLong = true;
                    }
                    case 2, 3 -> { // an index entry word: lap, full bit and slot index; or one half of it
                        int half = r.nextInt(4);
                        at = PriorityRingDescriptor.entryOffset(MAX_MESSAGES, scale,
                                r.nextInt(PriorityRingDescriptor.INDEX_RINGS), r.nextInt(2 * indexLength))
                                + (half == 3 ? 4 : 0);
                        asLong = half < 2;
                    }
                    case 4, 5 -> { // a slot header: length, priority, sender, pid, owner, budget flag
                        at = slots + r.nextInt(MAX_MESSAGES) * (long) slotSize
                                + 4L * r.nextInt(PriorityRingDescriptor.SLOT_HEADER_SIZE / 4 - 1);
                        asLong = at % 8 == 0 && r.nextBoolean();
                    }
                    default -> { // anywhere
                        at = r.nextLong(ringLength - 8) & ~3L;
                        asLong = false;
                    }
                }
                long v = interesting(r);
                int pos = (int) (base + at);
                if (asLong) {
                    b.putLong(pos, r.nextBoolean() ? v : b.getLong(pos) + r.nextInt(-3, 4));
                } else {
                    b.putInt(pos, r.nextBoolean() ? (int) v : b.getInt(pos) + r.nextInt(-3, 4));
                }
            }
        });
    }

    // ------------------------------------------------------------------ using a damaged object

    /**
     * Sends and receives on a port whose file was damaged: each call returns or throws an
     * IpcException; what is received fits the buffer and the message size; timed calls return.
     */
    private static void exercise(SplittableRandom r, MessagePort port, int maxMessage) {
        byte[] buffer = new byte[maxMessage + 64];
        for (int n = 1 + r.nextInt(12); n > 0; n--) {
            MessageInfo info = new MessageInfo();
            byte[] m = Fuzz.bytes(r, maxMessage);
            switch (r.nextInt(4)) {
                case 0 -> ipcOnly(() -> port.trySend(m, 0, m.length, r.nextInt(32)));
                case 1 -> ipcOnly(() -> port.send(m, 0, m.length, r.nextInt(32), Duration.ofMillis(r.nextInt(20))));
                case 2 -> ipcOnly(() -> {
                    int len = r.nextInt(buffer.length + 1);
                    int got = port.tryReceive(buffer, 0, len, info);
                    assertThat(got).isLessThanOrEqualTo(len).isLessThanOrEqualTo(maxMessage);
                    if (got >= 0) {
                        assertThat(info.priority()).as("priority delivered").isBetween(0, 31);
                    }
                });
                default -> ipcOnly(() -> {
                    int got = port.receive(buffer, 0, buffer.length, info, Duration.ofMillis(r.nextInt(20)));
                    assertThat(got).isBetween(0, maxMessage);
                    assertThat(info.priority()).as("priority delivered").isBetween(0, 31);
                });
            }
        }
    }

    private static void ipcOnly(Runnable call) {
        try {
            call.run();
        } catch (IpcException expected) {
            // any code: the object is damaged
        }
    }

    private static void assertIntact(MessagePort bystander, byte[] kept, int priority) {
        byte[] buffer = new byte[MAX_MESSAGE];
        MessageInfo info = new MessageInfo();
        int n = bystander.tryReceive(buffer, 0, buffer.length, info);
        assertThat(n).as("the other object's message").isEqualTo(kept.length);
        assertThat(Arrays.copyOf(buffer, n)).isEqualTo(kept);
        assertThat(info.priority()).isEqualTo(priority);
    }

    // ------------------------------------------------------------------ support

    interface Step {
        void run() throws Exception;
    }

    /** Runs one try on another thread, failing it if it takes more than {@value #TRY_SECONDS} s. */
    private static void hostile(SplittableRandom r, Step step) {
        assertTimeoutPreemptively(Duration.ofSeconds(TRY_SECONDS), () -> {
            step.run();
            return null;
        }, "the try hung");
    }

    private static void withMapping(Path file, long length, Consumer<MappedByteBuffer> change) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, Math.min(length, ch.size()));
            b.order(ByteOrder.nativeOrder());
            change.accept(b);
            b.force();
        }
    }

    /** Values that find bugs: edges, sizes of this layout, powers of two, random. */
    private static long interesting(SplittableRandom r) {
        return switch (r.nextInt(12)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 1;
            case 3 -> Integer.MAX_VALUE;
            case 4 -> Integer.MIN_VALUE;
            case 5 -> Long.MAX_VALUE;
            case 6 -> 1L << r.nextInt(63);
            case 7 -> (1 << 30) + r.nextInt(3);
            case 8 -> MAX_MESSAGES + r.nextInt(-2, 3);
            case 9 -> MAX_MESSAGE + r.nextInt(-8, 9);
            case 10 -> 4096L * r.nextInt(1, 4);
            default -> r.nextLong();
        };
    }
}
