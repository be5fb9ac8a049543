package org.multios.ipc.channels.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;

/**
 * Issue #10, faults: the IPC root's file system full. The IPC root is put on a tmpfs of
 * {@value #FS_SIZE} bytes mounted for the test (skipped, through an assumption, where mounting
 * is not permitted, for example when not root or not on Linux). Named queues, shared memory
 * segments and named channels are created in turn and filled with known data until creation
 * fails; then the test asserts that
 * <ul>
 * <li>the failure is an {@link IpcException} (IO_ERROR or LIMIT_EXCEEDED) whose message names
 * the object and says the file system is full, both when some space is left but not enough
 * (the storage reservation fails) and when none is left at all;</li>
 * <li>nothing of the failed object is left: not its name, no hidden temporary file, no storage
 * (the file system's free space is what it was before the attempt);</li>
 * <li>every object created before is intact, read through a second context (as another
 * process): every message received, in priority order, with its content; every segment's bytes
 * unchanged;</li>
 * <li>the storage of existing objects was reserved at creation: every byte of every segment can
 * be written through a mapping (no SIGBUS), and every queue and channel can be filled again,
 * with the file system full;</li>
 * <li>after some objects are unlinked and closed, creation works again.</li>
 * </ul>
 * Prints one {@code FSFULL ...} summary line.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileSystemFullTest {
    /** Size of the tmpfs: small enough to fill in a moment. */
    static final long FS_SIZE = 2L * 1024 * 1024;

    private static final int QUEUE_MESSAGE_SIZE = 200;
    private static final int QUEUE_CAPACITY = 16;
    private static final int SEGMENT_SIZE = 40_000; // deliberately not a multiple of the page size
    private static final ChannelOptions CHANNEL_OPTIONS = new ChannelOptions(4096, 12, 128, 0600);
    private static final int CHANNEL_MESSAGES = 12;
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Inodes of the tmpfs of {@link #inodesRunOut()}. */
    private static final int INODES = 24;

    private Path mountPoint;
    private boolean mounted;
    private Path root;
    private final List<IpcContext> contexts = new ArrayList<>();

    // ---------------------------------------------------------------- the small file system

    @BeforeEach
    void makeMountPoint() throws Exception {
        assumeTrue(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"),
                "a tmpfs mount needs Linux");
        mountPoint = Files.createTempDirectory("ipc-fs-full-");
        root = mountPoint.resolve("root");
    }

    /** Mounts a tmpfs of {@value #FS_SIZE} bytes with the given further options; skips the test if not permitted. */
    private FileStore mountSmallTmpfs(String moreOptions) throws Exception {
        Result r = run(30, "mount", "-t", "tmpfs", "-o", "size=" + FS_SIZE + ",mode=0700" + moreOptions, "tmpfs",
                mountPoint.toString());
        assumeTrue(r.exit == 0, () -> "mounting a tmpfs is not permitted here (" + r.output.strip() + ")");
        mounted = true;
        FileStore store = Files.getFileStore(mountPoint);
        long total = store.getTotalSpace();
        assumeTrue("tmpfs".equals(store.type()) && total <= FS_SIZE,
                () -> "no small tmpfs at " + mountPoint + " (" + store.type() + ", " + total + " bytes)");
        return store;
    }

    @AfterEach
    void closeAndUnmount() throws Exception {
        try {
            for (IpcContext c : contexts) {
                try {
                    c.close();
                } catch (RuntimeException e) {
                    e.printStackTrace();
                }
            }
            contexts.clear();
        } finally {
            if (mounted) {
                unmount();
            }
            if (mountPoint != null) {
                deleteTree(mountPoint);
            }
        }
    }

    /**
     * Unmounts the tmpfs: plainly once mappings are gone (the JVM unmaps regions when they become
     * unreachable, hence the collections), lazily ({@code umount -l}) if it stays busy, so the
     * mount never outlives the test.
     */
    private void unmount() throws Exception {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (run(30, "umount", mountPoint.toString()).exit == 0) {
                mounted = false;
                return;
            }
            System.gc();
            Thread.sleep(100);
        }
        Result lazy = run(30, "umount", "-l", mountPoint.toString());
        assertThat(lazy.exit).as("umount -l %s: %s", mountPoint, lazy.output).isZero();
        mounted = false;
    }

    // ---------------------------------------------------------------- the test

    @Test
    void creationFailsClearlyAndNothingStoredIsLost() throws Exception {
        FileStore store = mountSmallTmpfs("");
        IpcContext creator = context();
        MessageQueueService queues = creator.service(MessageQueueService.class);
        SharedMemoryService segments = creator.service(SharedMemoryService.class);
        ChannelService channels = creator.service(ChannelService.class);

        List<MessageQueue> madeQueues = new ArrayList<>();
        List<SharedMemory> madeSegments = new ArrayList<>();
        List<ChannelEnd> madeChannels = new ArrayList<>();

        // 1. Create queues, segments and channels in turn, each filled with known data, until
        //    creation fails.
        Failure firstFailure = null;
        for (int i = 0; firstFailure == null; i++) {
            int n = i / 3;
            switch (i % 3) {
                case 0 -> {
                    String name = "fsfull-q-" + n;
                    MessageQueue[] made = new MessageQueue[1];
                    firstFailure = attempt(store, ObjectType.QUEUE, name, () -> made[0] = queues.create(name,
                            QueueOptions.of(QUEUE_MESSAGE_SIZE, QUEUE_CAPACITY).withFlags(QueueFlag.EXCLUSIVE)));
                    if (firstFailure == null) {
                        fillQueue(made[0], n, 0);
                        madeQueues.add(made[0]);
                    }
                }
                case 1 -> {
                    String name = "fsfull-s-" + n;
                    SharedMemory[] made = new SharedMemory[1];
                    firstFailure = attempt(store, ObjectType.SHARED_MEMORY, name,
                            () -> made[0] = segments.create(name, SEGMENT_SIZE, 0600));
                    if (firstFailure == null) {
                        made[0].write(0, segmentBytes(n, 0));
                        madeSegments.add(made[0]);
                    }
                }
                default -> {
                    String name = "fsfull-c-" + n;
                    ChannelEnd[] made = new ChannelEnd[1];
                    firstFailure = attempt(store, ObjectType.CHANNEL, name,
                            () -> made[0] = channels.create(name, CHANNEL_OPTIONS));
                    if (firstFailure == null) {
                        fillChannel(made[0], n, 0);
                        madeChannels.add(made[0]);
                    }
                }
            }
            assertThat(i).as("the %d-byte file system never filled up", FS_SIZE).isLessThan(10_000);
        }
        int objectsBeforeFull = madeQueues.size() + madeSegments.size() + madeChannels.size();
        long usedAtFull = store.getTotalSpace() - store.getUnallocatedSpace();

        // 2. Use the crumbs: the smallest segments (one page of header, one of data) until even
        //    they fail, so that the file system is full to the last page.
        List<SharedMemory> crumbs = new ArrayList<>();
        Failure lastFailure = null;
        for (int k = 0; lastFailure == null; k++) {
            String name = "fsfull-crumb-" + k;
            SharedMemory[] made = new SharedMemory[1];
            lastFailure = attempt(store, ObjectType.SHARED_MEMORY, name,
                    () -> made[0] = segments.create(name, 1, 0600));
            if (lastFailure == null) {
                made[0].write(0, new byte[] { (byte) k });
                crumbs.add(made[0]);
            }
            assertThat(k).isLessThan(1_000);
        }
        long crumbsLeft = store.getUnallocatedSpace();
        // Another user of the file system takes the last pages (outside the IPC root).
        long ballast = fillWithBallast(mountPoint.resolve("ballast"));
        long freeAtEnd = store.getUnallocatedSpace();
        assertThat(freeAtEnd).as("free bytes once the ballast took the rest").isZero();
        // one more of each kind with no space left at all
        List<Failure> whenFull = List.of(
                mustFail(store, ObjectType.QUEUE, "fsfull-q-late",
                        () -> queues.create("fsfull-q-late", QueueOptions.of(QUEUE_MESSAGE_SIZE, QUEUE_CAPACITY))),
                mustFail(store, ObjectType.CHANNEL, "fsfull-c-late",
                        () -> channels.create("fsfull-c-late", CHANNEL_OPTIONS)),
                mustFail(store, ObjectType.SHARED_MEMORY, "fsfull-s-late",
                        () -> segments.create("fsfull-s-late", SEGMENT_SIZE, 0600)));

        // 3. The failures: clear, named, nothing left behind.
        List<Failure> failures = new ArrayList<>();
        failures.add(firstFailure);
        failures.add(lastFailure);
        failures.addAll(whenFull);
        for (Failure f : failures) {
            assertClearAndClean(f);
        }
        assertNoTemporaryFiles();
        assertThat(Files.size(mountPoint.resolve("ballast"))).isEqualTo(ballast);

        // 4. Every object made before is intact, seen from another context (another process).
        IpcContext reader = context();
        for (int n = 0; n < madeQueues.size(); n++) {
            try (MessageQueue q = reader.service(MessageQueueService.class).open("fsfull-q-" + n)) {
                drainQueue(q, n, 0);
            }
        }
        for (int n = 0; n < madeSegments.size(); n++) {
            try (SharedMemory s = reader.service(SharedMemoryService.class).open("fsfull-s-" + n)) {
                assertSegment(s, segmentBytes(n, 0));
            }
        }
        for (int n = 0; n < madeChannels.size(); n++) {
            try (ChannelEnd b = reader.service(ChannelService.class).open("fsfull-c-" + n, ChannelSide.B)) {
                drainChannel(b, n, 0);
            }
        }
        for (int k = 0; k < crumbs.size(); k++) {
            byte[] one = new byte[1];
            crumbs.get(k).read(0, one);
            assertThat(one[0]).as("crumb %d", k).isEqualTo((byte) k);
        }

        // 5. Storage of existing objects was reserved at creation: with the file system full,
        //    every byte of every segment is written through a mapping (a SIGBUS would kill the
        //    JVM here), every queue and channel is filled again, and all of it reads back.
        assertThat(store.getUnallocatedSpace()).isEqualTo(freeAtEnd);
        long rewritten = 0;
        for (int n = 0; n < madeSegments.size(); n++) {
            byte[] fresh = segmentBytes(n, 1);
            try (Mapping m = madeSegments.get(n).map(MapAccess.READ_WRITE)) {
                m.fill(0, m.length(), (byte) 0x5A);
                m.write(0, fresh, 0, fresh.length);
                rewritten += m.length();
            }
        }
        for (int n = 0; n < madeQueues.size(); n++) {
            fillQueue(madeQueues.get(n), n, 1);
        }
        for (int n = 0; n < madeChannels.size(); n++) {
            fillChannel(madeChannels.get(n), n, 1);
        }
        assertThat(store.getUnallocatedSpace()).as("writing into reserved storage took no new space")
                .isEqualTo(freeAtEnd);
        IpcContext reader2 = context();
        for (int n = 0; n < madeSegments.size(); n++) {
            try (SharedMemory s = reader2.service(SharedMemoryService.class).open("fsfull-s-" + n)) {
                assertSegment(s, segmentBytes(n, 1));
            }
        }
        for (int n = 0; n < madeQueues.size(); n++) {
            try (MessageQueue q = reader2.service(MessageQueueService.class).open("fsfull-q-" + n)) {
                drainQueue(q, n, 1);
            }
        }
        for (int n = 0; n < madeChannels.size(); n++) {
            try (ChannelEnd b = reader2.service(ChannelService.class).open("fsfull-c-" + n, ChannelSide.B)) {
                drainChannel(b, n, 1);
            }
        }

        // 6. Unlinking and closing some objects gives their space back: creation works again.
        long freeBeforeUnlink = store.getUnallocatedSpace();
        for (int n = 0; n < 3; n++) {
            segments.unlink("fsfull-s-" + n);
            madeSegments.get(n).close();
            madeSegments.set(n, null); // a closed handle still reaches the mapping: let it go
            queues.unlink("fsfull-q-" + n);
            madeQueues.get(n).close();
            madeQueues.set(n, null);
        }
        int collections = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (store.getUnallocatedSpace() < freeBeforeUnlink + 3L * SEGMENT_SIZE && System.nanoTime() < deadline) {
            // a mapping is unmapped when its region becomes unreachable
            System.gc();
            collections++;
            Thread.sleep(20);
        }
        long freed = store.getUnallocatedSpace() - freeBeforeUnlink;
        assertThat(freed).as("space given back by unlinking 3 segments and 3 queues")
                .isGreaterThanOrEqualTo(3L * SEGMENT_SIZE);
        try (SharedMemory again = segments.create("fsfull-s-again", SEGMENT_SIZE, 0600);
                MessageQueue q = queues.create("fsfull-q-again", QueueOptions.of(QUEUE_MESSAGE_SIZE, QUEUE_CAPACITY))) {
            again.write(0, segmentBytes(99, 0));
            assertSegment(again, segmentBytes(99, 0));
            fillQueue(q, 99, 0);
            drainQueue(q, 99, 0);
        }
        // the late names that failed before can be created now too
        segments.create(firstFailure.type == ObjectType.SHARED_MEMORY ? firstFailure.name : "fsfull-s-late", 1, 0600)
                .close();

        long storedBytes = (long) madeQueues.size() * QUEUE_CAPACITY * QUEUE_MESSAGE_SIZE
                + (long) madeSegments.size() * SEGMENT_SIZE
                + (long) madeChannels.size() * CHANNEL_MESSAGES * CHANNEL_OPTIONS.maxMessageSize();
        System.out.printf(Locale.ROOT,
                "FSFULL tmpfs=%d B: %d objects created before full (%d queues, %d segments, %d channels) "
                        + "+ %d one-byte segments, %d B used, %d B left then taken by a %d B ballast file; "
                        + "first error %s [%s]; with one page left: %s; with 0 B left: %s; "
                        + "%d failures checked, 0 partial objects, 0 temp files, "
                        + "0 messages or bytes lost, %d segment bytes rewritten while full, "
                        + "%d B freed by unlinking 6 objects after %d GCs, creation works again%n",
                FS_SIZE, objectsBeforeFull, madeQueues.size(), madeSegments.size(), madeChannels.size(),
                crumbs.size(), usedAtFull, crumbsLeft, ballast, firstFailure.error.error(),
                firstFailure.error.getMessage(), lastFailure.error.getMessage(), whenFull.get(0).error.getMessage(),
                failures.size(), rewritten, freed, collections);
        System.out.printf(Locale.ROOT, "FSFULL stored %d B of messages and segment data, all read back intact%n",
                storedBytes);
    }

    /**
     * The same when the file system runs out of inodes rather than bytes (a tmpfs with few
     * inodes): creation fails clearly, whether the temporary file or the link to the name is
     * refused, and leaves nothing; what was made stays intact; unlinking makes room again.
     */
    @Test
    void inodesRunOut() throws Exception {
        FileStore store = mountSmallTmpfs(",nr_inodes=" + INODES);
        SharedMemoryService segments = context().service(SharedMemoryService.class);
        List<SharedMemory> made = new ArrayList<>();
        Failure failure = null;
        for (int n = 0; failure == null; n++) {
            String name = "fsfull-i-" + n;
            SharedMemory[] one = new SharedMemory[1];
            failure = attempt(store, ObjectType.SHARED_MEMORY, name, () -> one[0] = segments.create(name, 64, 0600));
            if (failure == null) {
                one[0].write(0, Arrays.copyOf(segmentBytes(n, 0), 64));
                made.add(one[0]);
            }
            assertThat(n).as("%d inodes never ran out", INODES).isLessThan(INODES);
        }
        assertClearAndClean(failure);
        assertNoTemporaryFiles();
        IpcContext reader = context();
        for (int n = 0; n < made.size(); n++) {
            try (SharedMemory s = reader.service(SharedMemoryService.class).open("fsfull-i-" + n)) {
                byte[] b = new byte[64];
                s.read(0, b);
                assertThat(b).isEqualTo(Arrays.copyOf(segmentBytes(n, 0), 64));
            }
        }
        // an unlinked file's inode is freed when its last mapping goes
        segments.unlink("fsfull-i-0");
        made.get(0).close();
        made.set(0, null);
        SharedMemory again = null;
        int collections = 0;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); again == null; collections++) {
            try {
                again = segments.create("fsfull-i-again", 64, 0600);
            } catch (IpcException stillFull) {
                assertThat(System.nanoTime()).as("creation after unlinking: %s", stillFull.getMessage())
                        .isLessThan(deadline);
                System.gc();
                Thread.sleep(20);
            }
        }
        again.close();
        System.out.printf(Locale.ROOT, "FSFULL inodes: tmpfs nr_inodes=%d: %d segments created before full; "
                + "error %s [%s]; 0 partial objects, 0 temp files, all intact; creation works again after "
                + "unlinking one (%d GCs); the failed attempt's storage came back after %d GCs%n", INODES,
                made.size(), failure.error.error(), failure.error.getMessage(), collections, failure.collections);
    }

    // ---------------------------------------------------------------- failures

    /** A creation that failed, and the file system's free space before and after it. */
    private record Failure(ObjectType type, String name, IpcException error, long freeBefore, long freeAfter,
            int collections) {
    }

    /** Creates an object; null if that worked, else the failure (any other exception fails the test). */
    private static Failure attempt(FileStore store, ObjectType type, String name, Supplier<?> create)
            throws IOException {
        long freeBefore = store.getUnallocatedSpace();
        Throwable t = catchThrowable(create::get);
        if (t == null) {
            return null;
        }
        assertThat(t).as("creating %s '%s' on a full file system", type.label(), name)
                .isInstanceOf(IpcException.class);
        // A failure after the temporary file was mapped (the link to the name refused) frees
        // its pages when the JVM unmaps the unreachable mapping: give the collector a chance.
        int collections = 0;
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                store.getUnallocatedSpace() < freeBefore && System.nanoTime() < deadline; collections++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Failure(type, name, (IpcException) t, freeBefore, store.getUnallocatedSpace(), collections);
    }

    private static Failure mustFail(FileStore store, ObjectType type, String name, Supplier<?> create)
            throws IOException {
        Failure f = attempt(store, type, name, create);
        assertThat(f).as("creating %s '%s' with no space left", type.label(), name).isNotNull();
        return f;
    }

    private void assertClearAndClean(Failure f) {
        String what = f.type.label() + " '" + f.name + "'";
        assertThat(f.error.error()).as(f.error.getMessage()).isIn(IpcError.IO_ERROR, IpcError.LIMIT_EXCEEDED);
        assertThat(f.error.getMessage()).as("the message names the object").contains(what);
        assertThat(f.error.getMessage().toLowerCase(Locale.ROOT)).as("the message says why")
                .contains("file system is full");
        assertThat(Files.exists(root.resolve(f.type.label()).resolve(f.name)))
                .as("no file under the name of the failed %s", what).isFalse();
        assertThat(f.freeAfter).as("the failed %s took no storage", what).isEqualTo(f.freeBefore);
    }

    /** Writes a plain file until the file system refuses; its length. */
    private static long fillWithBallast(Path file) throws IOException {
        long written = 0;
        byte[] page = new byte[4096];
        Arrays.fill(page, (byte) 0xB5);
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                try {
                    out.write(page);
                    out.flush();
                    written += page.length;
                } catch (IOException full) {
                    break;
                }
                assertThat(written).isLessThanOrEqualTo(FS_SIZE);
            }
        } catch (IOException closingAFullFile) {
            // nothing was buffered
        }
        return Files.size(file);
    }

    private void assertNoTemporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            Path ownerRecords = root.resolve(".owners"); // a directory of the platform, not a leftover
            assertThat(files.filter(p -> p.getFileName().toString().startsWith(".") && !p.equals(ownerRecords))
                    .toList()).as("hidden temporary files left under the IPC root").isEmpty();
        }
    }

    // ---------------------------------------------------------------- known data

    /** Message {@code j} of queue {@code n} in round {@code round}: its length varies, 1..max. */
    private static byte[] message(String kind, int n, int round, int j, int max) {
        byte[] head = (kind + n + "/" + round + "/" + j + ":").getBytes(StandardCharsets.US_ASCII);
        int length = Math.max(head.length, 1 + (n * 31 + j * 17 + round * 7) % max);
        byte[] m = Arrays.copyOf(head, length);
        for (int i = head.length; i < length; i++) {
            m[i] = (byte) (n * 13 + j * 7 + i + round);
        }
        return m;
    }

    private static int priority(int j) {
        return (j * 5) % 4; // 0, 1, 2, 3, 0, ... so order depends on priority, then FIFO
    }

    private static void fillQueue(MessageQueue q, int n, int round) {
        for (int j = 0; j < QUEUE_CAPACITY; j++) {
            byte[] m = message("q", n, round, j, QUEUE_MESSAGE_SIZE);
            assertThat(q.trySend(m, 0, m.length, priority(j))).as("queue %d message %d", n, j).isTrue();
        }
        byte[] extra = { 1 };
        assertThat(q.trySend(extra, 0, 1, 0)).as("queue %d holds exactly %d", n, QUEUE_CAPACITY).isFalse();
    }

    /** Receives every message of a filled queue: highest priority first, FIFO within one. */
    private static void drainQueue(MessageQueue q, int n, int round) {
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < QUEUE_CAPACITY; j++) {
            order.add(j);
        }
        order.sort(Comparator.comparingInt((Integer j) -> -priority(j)).thenComparingInt(j -> j));
        byte[] buf = new byte[QUEUE_MESSAGE_SIZE];
        MessageInfo info = new MessageInfo();
        for (int j : order) {
            int len = q.receive(buf, 0, buf.length, info, WAIT);
            assertThat(Arrays.copyOf(buf, len)).as("queue %d round %d message %d", n, round, j)
                    .isEqualTo(message("q", n, round, j, QUEUE_MESSAGE_SIZE));
            assertThat(info.priority()).isEqualTo(priority(j));
        }
        assertThat(q.tryReceive(buf, 0, buf.length, info)).as("queue %d has nothing more", n)
                .isEqualTo(MessageQueue.NO_MESSAGE);
    }

    private static void fillChannel(ChannelEnd a, int n, int round) {
        for (int j = 0; j < CHANNEL_MESSAGES; j++) {
            byte[] m = message("c", n, round, j, CHANNEL_OPTIONS.maxMessageSize());
            a.send(m, 0, m.length, 7, WAIT);
        }
    }

    private static void drainChannel(ChannelEnd b, int n, int round) {
        byte[] buf = new byte[CHANNEL_OPTIONS.maxMessageSize()];
        MessageInfo info = new MessageInfo();
        for (int j = 0; j < CHANNEL_MESSAGES; j++) {
            int len = b.receive(buf, 0, buf.length, info, WAIT);
            assertThat(Arrays.copyOf(buf, len)).as("channel %d round %d message %d", n, round, j)
                    .isEqualTo(message("c", n, round, j, CHANNEL_OPTIONS.maxMessageSize()));
        }
        assertThat(b.tryReceive(buf, 0, buf.length, info)).as("channel %d has nothing more", n)
                .isEqualTo(ChannelEnd.NO_MESSAGE);
    }

    /** The whole content of segment {@code n} in round {@code round}. */
    private static byte[] segmentBytes(int n, int round) {
        byte[] b = new byte[SEGMENT_SIZE];
        long x = 0x9E3779B97F4A7C15L * (n + 1) + round;
        for (int i = 0; i < b.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }

    private static void assertSegment(SharedMemory s, byte[] expected) {
        assertThat(s.size()).isEqualTo(expected.length);
        byte[] actual = new byte[expected.length];
        assertThat(s.read(0, actual)).isEqualTo(expected.length);
        assertThat(actual).as("bytes of %s", s).isEqualTo(expected);
    }

    // ---------------------------------------------------------------- plumbing

    private IpcContext context() {
        IpcContext c = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        contexts.add(c);
        return c;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(int timeoutSeconds, String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, String.join(" ", command) + ": timed out");
            }
            return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, String.join(" ", command) + ": " + e);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top)) {
            return;
        }
        try (Stream<Path> files = Files.walk(top)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
