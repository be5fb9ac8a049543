package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildProcesses;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.MutexTestHooks;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * Soak of named mutexes and semaphores under contention (issue #10, load): threads of several
 * IPC processes of this JVM and of child JVMs ({@link SyncSoakChildMain}) contend for
 * {@code ipc.soak.seconds} (default {@value #DEFAULT_SECONDS} s) with an invariant checked in
 * shared memory that any violation breaks (see {@link SyncSoakWorker}):
 * <ul>
 * <li>a robust mutex guards a non-atomic read-modify-write of a counter in a named segment: the
 * final count equals the sum of every thread's entries, and nobody else is ever seen inside;</li>
 * <li>a counting semaphore of {@value #PERMITS} permits guards a section whose atomic in-use
 * count must never exceed {@value #PERMITS}; at the end it is 0 and the value is back to
 * {@value #PERMITS}.</li>
 * </ul>
 * The objects' own shared statistics (acquisitions, posts) must agree with the threads' tallies.
 * Prints one {@code SOAK ...} summary line per test.
 *
 * <p>In the mutex soak every thread pauses ({@code ipc.soak.mutexPauseMicros}, default
 * {@value #DEFAULT_MUTEX_PAUSE_MICROS} microseconds, 0 for none) where a locker records itself as
 * the owner and where a waiter judges an owner (the child JVMs through the mutex's window-pause
 * property, this JVM's threads through a hook on their handles), so that a lock whose owner could
 * be read half-written or taken over while alive (issue #21) fails within the default seconds;
 * RELIABILITY.md says how often it did.
 */
@Tag("soak")
@Timeout(180)
class SyncSoakTest {
    /** Seconds of load in the bounded form; {@code -Dipc.soak.seconds} for the longer one. */
    static final long DEFAULT_SECONDS = 3;

    static final int PERMITS = 3;

    /** Pause of the mutex soak's children in the owner windows, microseconds. */
    static final long DEFAULT_MUTEX_PAUSE_MICROS = 100;
    /** MutexHandle.WINDOW_PAUSE_PROPERTY, which the children read. */
    private static final String MUTEX_WINDOW_PAUSE_PROPERTY = "org.multios.ipc.mutex.windowPauseMicros";

    private static final int PARENT_CONTEXTS = 2;
    private static final int THREADS_PER_CONTEXT = 2;
    private static final int CHILD_JVMS = 3;
    private static final int THREADS_PER_CHILD = 2;

    @TempDir
    Path temp;

    private Path root;
    private final List<IpcContext> contexts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();

    @BeforeEach
    void makeRoot() throws IOException {
        Assumptions.assumeTrue(System.getProperty("os.name", "").toLowerCase().contains("linux"),
                "cross-process synchronization soak runs on Linux");
        root = Files.createDirectories(temp.resolve("ipc-root")).toRealPath();
    }

    @AfterEach
    void closeAll() throws InterruptedException {
        for (Process p : processes) {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
            p.waitFor(60, TimeUnit.SECONDS);
        }
        for (int i = contexts.size() - 1; i >= 0; i--) {
            contexts.get(i).close();
        }
    }

    private IpcContext context() {
        IpcContext c = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()),
                List.of(new SyncFactories.Sync(), new SharedMemoryFactory()));
        contexts.add(c);
        return c;
    }

    /**
     * Closes the IPC processes of this JVM and opens a fresh one to read the statistics from.
     */
    private SyncService closeAllAndReopen() {
        while (!contexts.isEmpty()) {
            contexts.remove(contexts.size() - 1).close();
        }
        return context().service(SyncService.class);
    }

    /** The run's state segment, opened by the newest IPC process of this JVM. */
    private SharedMemory observer(Result r) {
        return contexts.get(contexts.size() - 1).service(SharedMemoryService.class).open(r.segment.name().orElseThrow());
    }

    private static long soakMillis() {
        return TimeUnit.SECONDS.toMillis(Long.getLong("ipc.soak.seconds", DEFAULT_SECONDS));
    }

    @Test
    void mutexGuardedNonAtomicCounterIsExact() throws Exception {
        IpcContext first = context();
        Mutex created = first.service(SyncService.class).createMutex("soak-mutex", MutexOptions.DEFAULT, 0600);
        Result r = run("mutex", "soak-mutex", List.of(), c -> pausedInWindows(c.service(SyncService.class)
                .openMutex("soak-mutex")),
                (handle, m, slot, deadline) -> SyncSoakWorker.onMutex((Mutex) handle, m, slot, deadline));
        SyncService observer = closeAllAndReopen();
        created = observer.openMutex("soak-mutex");
        try (Mapping m = observer(r).map(MapAccess.READ_ONLY)) {
            long counter = m.getLongVolatile(SyncSoakWorker.COUNTER);
            long acquisitions = created.info().statistics().get(Counter.MESSAGES_OUT);
            long lost = r.entries - counter;
            System.out.printf("SOAK mutex: lockedIncrements=%d processes=%d threads=%d duration=%.1fs "
                    + "pauseMicros=%d counter=%d lost=%d violations=%d acquisitionsCounted=%d contention=%d "
                    + "perThread=%d..%d%n", r.entries, 1 + CHILD_JVMS, r.threads, r.seconds, pauseMicros(), counter,
                    lost, r.violations, acquisitions, created.info().statistics().get(Counter.CONTENTION),
                    r.fewestEntries, r.mostEntries);
            assertThat(r.violations).as("mutual exclusion violations").isZero();
            assertThat(counter).as("the counter incremented under the lock = every thread's entries")
                    .isEqualTo(r.entries);
            assertThat(m.getIntVolatile(SyncSoakWorker.INSIDE)).as("nobody inside at the end").isZero();
            assertThat(acquisitions).as("the mutex's shared acquisition count").isEqualTo(r.entries);
        }
        assertThat(created.owner()).as("the mutex is free at the end").isEmpty();
        assertThat(created.isConsistent()).isTrue();
    }

    private static long pauseMicros() {
        return Long.getLong("ipc.soak.mutexPauseMicros", DEFAULT_MUTEX_PAUSE_MICROS);
    }

    /** The handle, pausing where the children's window-pause property makes them pause. */
    private static Mutex pausedInWindows(Mutex handle) {
        long nanos = TimeUnit.MICROSECONDS.toNanos(pauseMicros());
        if (nanos > 0) {
            MutexTestHooks.install(handle, step -> {
                if (step != MutexTestHooks.OWNER_JUDGED) {
                    LockSupport.parkNanos(nanos);
                }
            });
        }
        return handle;
    }

    @Test
    void semaphoreNeverAdmitsMoreThanItsPermits() throws Exception {
        IpcContext first = context();
        Semaphore created = first.service(SyncService.class).createSemaphore("soak-sem",
                new SemaphoreOptions(PERMITS, PERMITS), 0600);
        Result r = run("semaphore", "soak-sem", List.of(Integer.toString(PERMITS)),
                c -> c.service(SyncService.class).openSemaphore("soak-sem"),
                (handle, m, slot, deadline) -> SyncSoakWorker.onSemaphore((Semaphore) handle, PERMITS, m, slot,
                        deadline));
        SyncService observer = closeAllAndReopen();
        created = observer.openSemaphore("soak-sem");
        try (Mapping m = observer(r).map(MapAccess.READ_ONLY)) {
            int high = m.getIntVolatile(SyncSoakWorker.HIGH);
            long acquisitions = created.info().statistics().get(Counter.MESSAGES_OUT);
            long posts = created.info().statistics().get(Counter.MESSAGES_IN);
            System.out.printf("SOAK semaphore: permits=%d acquisitions=%d processes=%d threads=%d duration=%.1fs "
                    + "mostInside=%d violations=%d value=%d acquisitionsCounted=%d postsCounted=%d lost=%d "
                    + "perThread=%d..%d%n", PERMITS, r.entries, 1 + CHILD_JVMS, r.threads, r.seconds, high,
                    r.violations, created.value(), acquisitions, posts, PERMITS - created.value(), r.fewestEntries,
                    r.mostEntries);
            assertThat(r.violations).as("times more than %d threads were inside", PERMITS).isZero();
            assertThat(high).as("most threads inside at once").isBetween(1, PERMITS);
            assertThat(m.getIntVolatile(SyncSoakWorker.INSIDE)).as("nobody inside at the end").isZero();
            assertThat(created.value()).as("every permit back").isEqualTo(PERMITS);
            assertThat(acquisitions).as("the semaphore's shared acquisition count").isEqualTo(r.entries);
            assertThat(posts).as("the semaphore's shared post count").isEqualTo(r.entries);
        }
    }

    /** What the threads of one run did, summed over their slots. */
    private record Result(SharedMemory segment, long entries, long violations, int threads, double seconds,
            long fewestEntries, long mostEntries) {
    }

    private interface WorkerFactory {
        SyncSoakWorker make(Object handle, Mapping m, int slot, long deadline);
    }

    /**
     * Runs the contending threads: {@value #CHILD_JVMS} child JVMs of {@value #THREADS_PER_CHILD}
     * and {@value #PARENT_CONTEXTS} contexts here of {@value #THREADS_PER_CONTEXT}, each thread
     * with a handle and a mapping of its own; waits for all and sums their slots.
     */
    private Result run(String kind, String object, List<String> extra, Function<IpcContext, Object> openObject,
            WorkerFactory workers) throws Exception {
        long millis = soakMillis();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MILLISECONDS.toNanos(millis);
        String segmentName = "soak-" + kind + "-state";
        SharedMemory segment = contexts.get(0).service(SharedMemoryService.class).create(segmentName,
                SyncSoakWorker.SEGMENT_SIZE, 0600);
        int slots = 0;
        for (int j = 0; j < CHILD_JVMS; j++) {
            List<String> args = new ArrayList<>(List.of(kind, object, segmentName, Integer.toString(slots),
                    Integer.toString(THREADS_PER_CHILD), Long.toString(millis)));
            args.addAll(extra);
            startChild(kind + "-" + j, args);
            slots += THREADS_PER_CHILD;
        }
        List<Thread> threads = new ArrayList<>();
        List<Mapping> mappings = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int c = 0; c < PARENT_CONTEXTS; c++) {
            IpcContext context = c == 0 ? contexts.get(0) : context();
            SharedMemory mine = context.service(SharedMemoryService.class).open(segmentName);
            for (int t = 0; t < THREADS_PER_CONTEXT; t++) {
                Mapping m = mine.map(MapAccess.READ_WRITE);
                mappings.add(m);
                Thread w = new Thread(workers.make(openObject.apply(context), m, slots, deadline),
                        "sync-soak-" + slots);
                slots++;
                w.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                threads.add(w);
                w.start();
            }
        }
        for (Thread w : threads) {
            w.join(millis + TimeUnit.SECONDS.toMillis(120));
            assertThat(w.isAlive()).as("%s ended", w.getName()).isFalse();
        }
        for (int i = 0; i < processes.size(); i++) {
            Process p = processes.get(i);
            assertThat(p.waitFor(millis + 120_000, TimeUnit.MILLISECONDS)).as("child %d ended; its output:%n%s",
                    p.pid(), output(i)).isTrue();
            assertThat(p.exitValue()).as("exit code of child %d; its output:%n%s", p.pid(), output(i)).isZero();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(failures).as("failures of the threads of this JVM").isEmpty();
        long entries = 0;
        long violations = 0;
        long fewest = Long.MAX_VALUE;
        long most = 0;
        try (Mapping m = segment.map(MapAccess.READ_ONLY)) {
            for (int s = 0; s < slots; s++) {
                long e = m.getLongVolatile(SyncSoakWorker.slot(s, 0));
                assertThat(e).as("entries of slot %d", s).isPositive();
                entries += e;
                fewest = Math.min(fewest, e);
                most = Math.max(most, e);
                violations += m.getLongVolatile(SyncSoakWorker.slot(s, 1));
            }
        }
        mappings.forEach(Mapping::close);
        return new Result(segment, entries, violations, slots, seconds, fewest, most);
    }

    private void startChild(String label, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", ChildProcesses.childClassPath(SyncSoakChildMain.class),
                "-Dorg.multios.ipc.root=" + root, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-D" + MUTEX_WINDOW_PAUSE_PROPERTY + "=" + pauseMicros(),
                SyncSoakChildMain.class.getName()));
        command.addAll(args);
        Path log = temp.resolve(label + ".log");
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        logs.add(log);
    }

    private String output(int i) throws IOException {
        return Files.exists(logs.get(i)) ? Files.readString(logs.get(i), StandardCharsets.UTF_8) : "";
    }
}
