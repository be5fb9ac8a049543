package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Comparator;
import java.util.List;
import java.util.Set;
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
import org.multios.ipc.IpcObject;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;

/**
 * Bad input to the named semaphores, mutexes, condition variables and events of ipc.sync, on
 * random cases (harness: {@link Fuzz}): hostile names fail with INVALID_ARGUMENT and never touch
 * a file outside the IPC root; pages whose header and words a hostile process overwrote (random
 * fields, plausible values, bit flips, truncation, also while mapped) fail to open with an IpcException or work,
 * and then every operation returns, times out or throws an IpcException: never another
 * exception, never a hang (a try longer than {@value #TRY_SECONDS} s fails, naming its seed).
 * {@code -Dipc.fuzz.tries=N} fuzzes longer, {@code -Dipc.fuzz.seed=S -Dipc.fuzz.tries=1} replays:
 * <pre>mvn -o -pl ipc.api,ipc.shm,ipc.sync -am verify -Dtest=org.multios.ipc.sync.HostileInputFuzzTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dipc.fuzz.tries=20000</pre>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileInputFuzzTest {
    private static final int TRY_SECONDS = 10;
    private static final IpcError[] OPEN_ERRORS = { IpcError.CORRUPTED, IpcError.PROTOCOL_ERROR,
        IpcError.INVALID_ARGUMENT, IpcError.PERMISSION_DENIED, IpcError.IO_ERROR };

    @TempDir
    Path tempDir;
    private Path parent;
    private Path root;
    private IpcContext ipc;
    private SyncService sync;
    private EventService events;

    @BeforeEach
    void open() throws IOException {
        Path devShm = Path.of("/dev/shm");
        parent = Files.isDirectory(devShm) && Files.isWritable(devShm)
                ? Files.createTempDirectory(devShm, "ipc-fuzz-sync-") : tempDir.resolve("parent");
        Files.createDirectories(parent);
        root = parent.resolve("root");
        ipc = Ipc.open(new IpcEnvironment(root, IpcLimits.defaults()));
        sync = ipc.service(SyncService.class);
        events = ipc.service(EventService.class);
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

    /** One kind of named object: how to create, open and use it, and its directory. */
    private record Kind(String directory, Creator create, Opener open, User use) {
    }

    interface Creator {
        IpcObject create(String name);
    }

    interface Opener {
        IpcObject open(String name);
    }

    interface User {
        void use(SplittableRandom r, IpcObject o);
    }

    private List<Kind> kinds() {
        return List.of(
                new Kind("semaphore", n -> sync.createSemaphore(n, SemaphoreOptions.of(1), 0600), sync::openSemaphore,
                        (r, o) -> {
                            Semaphore s = (Semaphore) o;
                            switch (r.nextInt(4)) {
                                case 0 -> s.tryAcquire();
                                case 1 -> s.acquire(Duration.ofMillis(r.nextInt(20)));
                                case 2 -> s.release();
                                default -> s.value(); // may be anything a hostile process wrote
                            }
                        }),
                new Kind("mutex", n -> sync.createMutex(n, MutexOptions.DEFAULT, 0600), sync::openMutex, (r, o) -> {
                    Mutex m = (Mutex) o;
                    switch (r.nextInt(5)) {
                        case 0 -> m.tryLock();
                        case 1 -> m.lock(Duration.ofMillis(r.nextInt(20)));
                        case 2 -> m.unlock();
                        case 3 -> m.markConsistent();
                        default -> m.owner();
                    }
                }),
                new Kind("condition", n -> sync.createCondition(n, 0600), sync::openCondition, (r, o) -> {
                    Condition c = (Condition) o;
                    switch (r.nextInt(3)) {
                        case 0 -> c.signal();
                        case 1 -> c.broadcast();
                        default -> c.waiters();
                    }
                }),
                new Kind("event", n -> events.create(n, r(n), Set.of(), 0600), events::open, (r, o) -> {
                    Event e = (Event) o;
                    switch (r.nextInt(5)) {
                        case 0 -> e.signal(r.nextLong());
                        case 1 -> e.reset();
                        case 2 -> e.tryAwait();
                        case 3 -> e.await(Duration.ofMillis(r.nextInt(20)));
                        default -> e.isSignalled();
                    }
                }));
    }

    private static EventType r(String name) {
        return name.hashCode() % 2 == 0 ? EventType.AUTO_RESET : EventType.MANUAL_RESET;
    }

    @Test
    void hostileNamesFailWithInvalidArgumentAndStayInTheRoot() {
        forAll(100, r -> {
            String name = Fuzz.name(r);
            boolean valid = Fuzz.validName(name);
            IpcError[] ok = valid ? new IpcError[] { IpcError.NOT_FOUND, IpcError.ALREADY_EXISTS }
                    : new IpcError[] { IpcError.INVALID_ARGUMENT };
            for (Kind k : kinds()) {
                check(valid, returnsOrThrows(() -> k.open().open(name).close(), ok));
                check(valid, returnsOrThrows(() -> k.create().create(name).close(), ok));
            }
            check(valid, returnsOrThrows(() -> sync.unlinkSemaphore(name), ok));
            check(valid, returnsOrThrows(() -> sync.unlinkMutex(name), ok));
            check(valid, returnsOrThrows(() -> sync.unlinkCondition(name), ok));
            check(valid, returnsOrThrows(() -> events.unlink(name), ok));
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
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void hostilePagesFailWithAnIpcExceptionOrWork() {
        List<Kind> kinds = kinds();
        forAll(250, r -> hostile(() -> {
            Kind k = kinds.get(r.nextInt(kinds.size()));
            String name = "o" + r.nextInt(1_000_000);
            String other = "bystander" + r.nextInt(1_000_000);
            IpcObject bystander = k.create().create(other);
            IpcObject before = r.nextBoolean() ? k.create().create(name) : null;
            if (before == null) {
                k.create().create(name).close();
            }
            Path file = root.resolve(k.directory()).resolve(name);
            corrupt(r, file, before != null);
            if (before != null) {
                exercise(r, k, before);
            }
            IpcObject[] o = { null };
            returnsOrThrows(() -> o[0] = k.open().open(name), OPEN_ERRORS);
            if (o[0] != null) {
                exercise(r, k, o[0]);
                ipcOnly(o[0]::close);
            }
            if (before != null) {
                ipcOnly(before::close);
            }
            // the other object of the same kind still works as new
            for (int i = 0; i < 4; i++) {
                try {
                    k.use().use(r, bystander);
                } catch (IpcException e) {
                    assertThat(e.error()).as("the other object's error: %s", e).isNotIn(IpcError.CORRUPTED,
                            IpcError.PROTOCOL_ERROR, IpcError.IO_ERROR, IpcError.OWNER_DEAD);
                }
            }
            bystander.close();
            Files.deleteIfExists(file);
            Files.deleteIfExists(root.resolve(k.directory()).resolve(other));
        }));
    }

    private static void exercise(SplittableRandom r, Kind k, IpcObject o) {
        for (int n = 1 + r.nextInt(8); n > 0; n--) {
            ipcOnly(() -> k.use().use(r, o));
        }
        ipcOnly(o::permissions);
        ipcOnly(o::statistics);
    }

    private static void ipcOnly(Runnable call) {
        try {
            call.run();
        } catch (IpcException expected) {
            // any code: the object is damaged
        }
    }

    /**
     * Whether HotSpot throws a mapping's fault inside the call that faulted: Java 25 (at its next
     * safepoint poll). Java 17 compiled code may throw it after the call returned (RELIABILITY.md,
     * "Files truncated under a mapping"), so there files are truncated only while not mapped.
     */
    static final boolean PROMPT_FAULTS = Runtime.version().feature() >= 25;

    /**
     * Overwrites words of the page as a hostile process would; truncates it now and then, also
     * while a handle maps it where {@link #PROMPT_FAULTS} (its operations then fail with CORRUPTED).
     */
    private static void corrupt(SplittableRandom r, Path file, boolean mapped) throws IOException {
        if ((PROMPT_FAULTS || !mapped) && r.nextInt(10) == 0) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(r.nextInt(2) == 0 ? r.nextInt(4096 + 1) : r.nextLong(ch.size()));
            }
            return;
        }
        int[] fields = { 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 3840, 3968 };
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int length = (int) Math.min(ch.size(), 1 << 16);
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            b.order(ByteOrder.nativeOrder());
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                int at = switch (r.nextInt(4)) {
                    case 0 -> fields[r.nextInt(fields.length)];
                    case 1 -> 64 + 4 * r.nextInt(64); // the object's own header
                    case 2 -> 4096 + 4 * r.nextInt(Math.max(1, (length - 4096) / 4)); // its data
                    default -> r.nextInt(length - 8) & ~3;
                };
                if (at + 8 > length) {
                    at = (length - 8) & ~7;
                }
                long v = interesting(r);
                if (r.nextInt(3) == 0) {
                    b.put(at, (byte) v);
                } else if (r.nextBoolean() && at % 8 == 0) {
                    b.putLong(at, v);
                } else {
                    b.putInt(at, (int) v);
                }
            }
            b.force();
        }
    }

    private static long interesting(SplittableRandom r) {
        return switch (r.nextInt(11)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 1;
            case 3 -> Integer.MAX_VALUE;
            case 4 -> Integer.MIN_VALUE;
            case 5 -> Long.MAX_VALUE;
            case 6 -> 1L << r.nextInt(63);
            case 7 -> ProcessHandle.current().pid();
            case 8 -> 0x40000000 | ProcessHandle.current().pid(); // futex word: owner died bit and our tid-ish
            case 9 -> 4096L * r.nextInt(1, 4);
            default -> r.nextLong();
        };
    }

    interface Step {
        void run() throws Exception;
    }

    private static void hostile(Step step) {
        assertTimeoutPreemptively(Duration.ofSeconds(TRY_SECONDS), () -> {
            step.run();
            return null;
        }, "the try hung");
    }
}
