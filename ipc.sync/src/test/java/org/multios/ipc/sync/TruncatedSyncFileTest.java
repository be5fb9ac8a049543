package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.IpcObject;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.event.SignalledEvent;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * Issue #16 item 2 for semaphores, mutexes, conditions and events: an object's page truncated by
 * another process while this one maps it. The next operation faults (SIGBUS); it gets CORRUPTED
 * naming the object, its file and the sizes, the handle closes (later calls fail at once with
 * CORRUPTED), a thread asleep on the object wakes with CORRUPTED instead of hanging, and the
 * mechanism keeps serving other objects. Before, the fault came out of the call as an
 * InternalError, or (Java 17, an interpreted compare-and-set) aborted the whole JVM.
 */
@Timeout(60)
class TruncatedSyncFileTest {
    private Path folder;
    private IpcContext context;

    @BeforeEach
    void open() throws IOException {
        Path devShm = Path.of("/dev/shm");
        folder = Files.createTempDirectory(Files.isDirectory(devShm) ? devShm : Path.of("/tmp"), "ipc-sync-truncated-");
        context = LocalPlatform.open(new IpcEnvironment(folder.resolve("root"), IpcLimits.defaults()),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events()));
    }

    @AfterEach
    void close() throws IOException {
        context.close();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path file(String kind, String name) {
        return folder.resolve("root").resolve(kind).resolve(name);
    }

    private static void truncate(Path file) throws IOException {
        truncate(file, 0);
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** One kind: how to create a named object, and one operation on it that touches its page. */
    private record Kind<T extends IpcObject>(String label, Function<String, T> create, Consumer<T> operate) {
        void check(TruncatedSyncFileTest test) throws IOException {
            T handle = create.apply("victim");
            Path file = test.file(label, "victim");
            truncate(file);

            IpcException e = corrupted(() -> operate.accept(handle));
            assertThat(e.getMessage()).as(label).contains("'victim'").contains(file.toString())
                    .contains("truncated to 0 bytes");
            assertThat(handle.isClosed()).as(label).isTrue();
            assertThat(corrupted(() -> operate.accept(handle)).getMessage()).as(label).contains("is closed");
            handle.close();

            T other = create.apply("other");
            operate.accept(other);
            other.close();
        }
    }

    private static IpcException corrupted(Runnable call) {
        Throwable t = catchThrowable(call::run);
        assertThat(t).isInstanceOf(IpcException.class);
        IpcException e = (IpcException) t;
        assertThat(e.error()).as(e.getMessage()).isEqualTo(IpcError.CORRUPTED);
        return e;
    }

    @Test
    void anOperationOnATruncatedObjectOfEveryKindIsCorruptedAndClosesTheHandle() throws IOException {
        SyncService sync = context.service(SyncService.class);
        EventService events = context.service(EventService.class);
        List<Kind<?>> kinds = List.of(
                new Kind<Semaphore>("semaphore", n -> sync.createSemaphore(n, SemaphoreOptions.of(1), 0600),
                        s -> s.tryAcquire()),
                new Kind<Mutex>("mutex", n -> sync.createMutex(n, MutexOptions.DEFAULT, 0600), m -> m.tryLock()),
                new Kind<Condition>("condition", n -> sync.createCondition(n, 0600), Condition::broadcast),
                new Kind<Event>("event", n -> events.create(n, EventType.AUTO_RESET, Set.of(), 0600),
                        ev -> ev.signal(1)));
        for (Kind<?> kind : kinds) {
            kind.check(this);
        }
    }

    @Test
    void aThreadAsleepOnATruncatedSemaphoreWakesWithCorrupted() throws Exception {
        Semaphore s = context.service(SyncService.class).createSemaphore("empty", SemaphoreOptions.of(0), 0600);
        CompletableFuture<Void> acquired = asleepAcquiring(s);
        truncate(file("semaphore", "empty"));

        assertCorrupted(acquired);
        assertThat(s.isClosed()).isTrue();
    }

    /**
     * A cut inside the page keeps the page: the state word past the new end reads zero, what an
     * empty semaphore's sleeper expects, and no access faults. Before the look after an unwoken
     * sleep (MappedFault.afterSleep) the acquirer slept slice after slice until its 40 s ran out.
     */
    @Test
    void aThreadAsleepOnASemaphoreCutInsideItsPageWakesWithCorruptedAtTheEndOfItsSlice() throws Exception {
        Semaphore s = context.service(SyncService.class).createSemaphore("cut", SemaphoreOptions.of(0), 0600);
        CompletableFuture<Void> acquired = asleepAcquiring(s);
        truncate(file("semaphore", "cut"), 1);

        assertCorrupted(acquired);
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void aThreadAsleepOnATruncatedEventWakesWithCorrupted() throws Exception {
        Event e = context.service(EventService.class).create("quiet", EventType.AUTO_RESET, Set.of(), 0600);
        CompletableFuture<Long> signalled = new CompletableFuture<>();
        Thread t = BlockedCalls.start("awaiter", signalled, () -> e.await(Duration.ofSeconds(40)));
        KernelSleep.awaitAsleep(t, -1);
        truncate(file("event", "quiet"));

        assertCorrupted(signalled);
        assertThat(e.isClosed()).isTrue();
    }

    /**
     * A wait on several events reads every event's page outside the single-event operations: a
     * fault there came out raw (an InternalError, or later, at whatever this thread did next).
     * Now it is the CORRUPTED of the event that was cut, whose handle alone closes.
     */
    @Test
    void aWaitOnSeveralEventsOneOfThemTruncatedIsCorruptedNamingThatEventWhichAloneCloses() throws IOException {
        EventService events = context.service(EventService.class);
        List<Function<List<Event>, Object>> waits = List.of(events::tryWaitAny, events::tryWaitAll,
                list -> events.waitAny(list, Duration.ofSeconds(1)), list -> events.waitAll(list, Duration.ofSeconds(1)));
        for (int i = 0; i < waits.size(); i++) {
            Event quiet = events.create("quiet" + i, EventType.MANUAL_RESET, Set.of(), 0600);
            Event victim = events.create("victim" + i, EventType.MANUAL_RESET, Set.of(), 0600);
            Path file = file("event", "victim" + i);
            truncate(file);
            List<Event> both = List.of(victim, quiet); // a wait for all looks no further than the first not signalled
            Function<List<Event>, Object> wait = waits.get(i);

            IpcException e = corrupted(() -> wait.apply(both));
            assertThat(e.getMessage()).as("wait " + i).contains("'victim" + i + "'").contains(file.toString())
                    .contains("truncated to 0 bytes");
            assertThat(victim.isClosed()).as("wait " + i).isTrue();
            assertThat(corrupted(() -> wait.apply(both)).getMessage()).as("wait " + i).contains("is closed");
            assertThat(quiet.isClosed()).as("wait " + i).isFalse();
            quiet.signal(7);
            assertThat(events.tryWaitAny(List.of(quiet))).as("wait " + i).hasValueSatisfying(
                    s -> assertThat(s.data()).isEqualTo(7));
        }
    }

    @Test
    void aThreadAsleepOnSeveralEventsOneOfThemTruncatedWakesWithTheCorruptedOfThatEvent() throws Exception {
        EventService events = context.service(EventService.class);
        Event quiet = events.create("quiet", EventType.AUTO_RESET, Set.of(), 0600);
        Event victim = events.create("victim", EventType.AUTO_RESET, Set.of(), 0600);
        CompletableFuture<SignalledEvent> signalled = new CompletableFuture<>();
        Thread t = BlockedCalls.start("any-awaiter", signalled,
                () -> events.waitAny(List.of(quiet, victim), Duration.ofSeconds(40)));
        KernelSleep.awaitAsleep(t, 0); // in futex_waitv, on both words
        truncate(file("event", "victim"));

        assertThat(assertCorrupted(signalled).getMessage()).contains("'victim'");
        assertThat(victim.isClosed()).isTrue();
        assertThat(quiet.isClosed()).isFalse();
    }

    @Test
    void aThreadAsleepOnATruncatedMutexWakesWithCorrupted() throws Exception {
        SyncService sync = context.service(SyncService.class);
        Mutex held = sync.createMutex("held", MutexOptions.DEFAULT, 0600);
        held.lock();
        Mutex other = sync.openMutex("held");
        CompletableFuture<LockResult> locked = new CompletableFuture<>();
        Thread t = BlockedCalls.start("locker", locked, () -> other.lock(Duration.ofSeconds(40)));
        KernelSleep.awaitAsleep(t, -1);
        truncate(file("mutex", "held"));

        assertCorrupted(locked);
        assertThat(other.isClosed()).isTrue();
        // the watch read the cut-off lock word for the sleeping locker (is its holder dead?): the
        // fault, delivered to the watch's thread, must not have ended it
        assertThat(Thread.getAllStackTraces().keySet()).as("the mechanism's sleeper watch is still running")
                .anyMatch(w -> w.getName().equals("ipc-sleepers-sync") && w.isAlive());
        Semaphore empty = sync.createSemaphore("empty", SemaphoreOptions.of(0), 0600);
        CompletableFuture<Void> acquired = new CompletableFuture<>();
        Thread waiter = BlockedCalls.start("acquirer", acquired, () -> {
            empty.acquire(Duration.ofSeconds(40));
            return null;
        });
        KernelSleep.awaitAsleep(waiter, -1);
        waiter.interrupt();
        try {
            throw new AssertionError("expected INTERRUPTED, got " + acquired.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).as(x.getMessage()).isEqualTo(IpcError.INTERRUPTED));
        }
    }

    /** A thread acquiring {@code s} for at most 40 s, once it is asleep in the kernel. */
    private static CompletableFuture<Void> asleepAcquiring(Semaphore s) throws IOException, InterruptedException {
        CompletableFuture<Void> acquired = new CompletableFuture<>();
        Thread t = BlockedCalls.start("acquirer", acquired, () -> {
            s.acquire(Duration.ofSeconds(40));
            return null;
        });
        KernelSleep.awaitAsleep(t, -1);
        return acquired;
    }

    /** Waits (at most 20 s) for a blocked call to end and asserts that it failed with CORRUPTED. */
    private static IpcException assertCorrupted(CompletableFuture<?> result) throws Exception {
        try {
            throw new AssertionError("expected CORRUPTED, got " + result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).as(x.getMessage()).isEqualTo(IpcError.CORRUPTED));
            return (IpcException) e.getCause();
        }
    }
}
