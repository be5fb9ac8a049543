package org.multios.ipc.sync;

import static org.multios.ipc.spi.ChildMain.say;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.multios.ipc.Ipc;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;
import org.multios.ipc.shm.SharedMemoryService;
import org.multios.ipc.shm.internal.SharedMemoryFactory;
import org.multios.ipc.spi.ChildMain;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.MutexTestHooks;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * The other process of the cross-process synchronization tests: a plain JVM that attaches to
 * the platform through the plain-Java bootstrap ({@link LocalPlatform#open(IpcEnvironment, Iterable)} with
 * the default environment, so its IPC root comes from the system property
 * {@code org.multios.ipc.root}) and does what its arguments say, reporting progress as lines on
 * standard output. Every wait is bounded; a failure ends the process with exit code 1 and the
 * reason on standard error.
 *
 * <ul>
 * <li>{@code bootstrap}: opens the platform with {@link Ipc#open()}, every mechanism the class
 * path offers, and prints {@code opened}.</li>
 * <li>{@code hold <mutex>}: locks the named mutex, prints {@code locked <result>} and waits to
 * be killed (exit code 1 if that does not happen within {@link #WAIT_MILLIS}).</li>
 * <li>{@code lock <mutex>}: prints {@code locking}, locks the named mutex (bounded) and prints
 * {@code result <LockResult>}, or {@code error <IpcError>} if locking failed; an acquired lock
 * is marked consistent if needed and unlocked again. Prints {@code judged} each time it judged
 * whether the owner is alive.</li>
 * <li>{@code lock-without-fds <mutex> <timeoutMillis>}: locks the named mutex for 200 ms
 * (prints {@code warm <result or error>}), then opens files until none is left (EMFILE), so
 * that it cannot read {@code /proc}, prints {@code exhausted}, locks (bounded) and prints
 * {@code result <LockResult>} or {@code error <IpcError>}; then closes the files.</li>
 * <li>{@code count <mutex> <segment> <counterOffset> <readyOffset> <goOffset> <n>}: adds 1 to
 * the long at {@code readyOffset} of the named segment, waits until the long at
 * {@code goOffset} is not 0, then {@code n} times locks the mutex, reads the long at
 * {@code counterOffset} with a plain read, writes it back plus 1 with a plain write, and
 * unlocks.</li>
 * <li>{@code acquire <semaphore> <timeoutMillis>}: in a thread named {@link #WAITER_THREAD},
 * prints {@code waiting}, acquires the named semaphore (bounded) and prints
 * {@code acquired}.</li>
 * <li>{@code post <semaphore>}: releases the named semaphore once.</li>
 * <li>{@code await-event <event> <timeoutMillis>}: prints {@code waiting}, waits for the named
 * event (bounded) and prints {@code got <data>}.</li>
 * <li>{@code signal-event <event> <data>}: signals the named event once with the data.</li>
 * <li>{@code await-condition <mutex> <condition> <segment> <flagOffset> <timeoutMillis>}:
 * locks the mutex, prints {@code waiting}, waits on the condition until the int at
 * {@code flagOffset} of the segment is not 0 (bounded), unlocks and prints
 * {@code woken}.</li>
 * <li>{@code signal-condition <mutex> <condition> <segment> <flagOffset> signal|broadcast}:
 * locks the mutex, sets the int at {@code flagOffset} to 1, signals or broadcasts the
 * condition and unlocks.</li>
 * </ul>
 */
public final class SyncChildMain {
    /** How long any wait of the child may take. */
    static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(60);

    /** The name of the thread that waits in {@code acquire} (at most 15 characters: a Linux thread name). */
    static final String WAITER_THREAD = "ipc-sem-waiter";

    private SyncChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runCommand(args, SyncChildMain::run);
    }

    private static void run(String[] args) throws Exception {
        if (args[0].equals("bootstrap")) {
            bootstrap();
            return;
        }
        // The mechanisms under test, named rather than found with ServiceLoader: the signal
        // mechanism, which the class path also offers, needs a logging API that the runtime
        // class path of this module lacks (see the "bootstrap" command).
        try (IpcContext ipc = LocalPlatform.open(IpcEnvironment.defaults(),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events(), new SharedMemoryFactory()))) {
            SyncService sync = ipc.service(SyncService.class);
            switch (args[0]) {
                case "hold" -> hold(sync, args[1]);
                case "lock" -> lock(sync, args[1]);
                case "lock-without-fds" -> lockWithoutFds(sync, args[1], Long.parseLong(args[2]));
                case "count" -> count(sync, ipc.service(SharedMemoryService.class), args[1], args[2],
                        Long.parseLong(args[3]), Long.parseLong(args[4]), Long.parseLong(args[5]),
                        Integer.parseInt(args[6]));
                case "hammer" -> hammer(sync, ipc.service(SharedMemoryService.class), args[1], args[2]);
                case "acquire" -> acquire(sync, args[1], Long.parseLong(args[2]));
                case "post" -> post(sync, args[1]);
                case "await-event" -> awaitEvent(ipc.service(EventService.class), args[1], Long.parseLong(args[2]));
                case "signal-event" -> signalEvent(ipc.service(EventService.class), args[1], Long.parseLong(args[2]));
                case "await-condition" -> awaitCondition(sync, ipc.service(SharedMemoryService.class), args[1],
                        args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
                case "signal-condition" -> signalCondition(sync, ipc.service(SharedMemoryService.class), args[1],
                        args[2], args[3], Long.parseLong(args[4]), args[5]);
                default -> throw new IllegalArgumentException("unknown command " + args[0]);
            }
        }
    }

    private static void bootstrap() {
        try (IpcContext ipc = Ipc.open()) {
            ipc.service(SyncService.class);
            ipc.service(EventService.class);
            say("opened");
        }
    }

    private static void hold(SyncService sync, String name) throws InterruptedException {
        Mutex m = sync.openMutex(name);
        LockResult r = m.lock(Duration.ofMillis(WAIT_MILLIS));
        say("locked " + r);
        Thread.sleep(WAIT_MILLIS);
        throw new IllegalStateException("held " + name + " for " + WAIT_MILLIS + " ms and was not killed");
    }

    private static void lock(SyncService sync, String name) {
        Mutex m = sync.openMutex(name);
        MutexTestHooks.install(m, step -> {
            if (step == MutexTestHooks.OWNER_JUDGED) {
                say("judged");
            }
        });
        say("locking");
        LockResult r;
        try {
            r = m.lock(Duration.ofMillis(WAIT_MILLIS));
        } catch (IpcException e) {
            say("error " + e.error());
            return;
        }
        say("result " + r);
        if (r == LockResult.OWNER_DEAD) {
            m.markConsistent();
        }
        m.unlock();
    }

    private static void lockWithoutFds(SyncService sync, String name, long timeoutMillis) throws IOException {
        Mutex m = sync.openMutex(name);
        say("warm " + lockOrError(m, 200)); // loads what the wait needs while files can be opened
        List<FileChannel> files = new ArrayList<>();
        try {
            try {
                while (true) {
                    files.add(FileChannel.open(Path.of("/dev/null")));
                }
            } catch (IOException tooManyOpenFiles) {
                say("exhausted after " + files.size() + " files: " + tooManyOpenFiles.getMessage());
            }
            String result = lockOrError(m, timeoutMillis);
            files.remove(files.size() - 1).close(); // room to print
            say(result);
        } finally {
            for (FileChannel f : files) {
                f.close();
            }
        }
    }

    private static String lockOrError(Mutex m, long timeoutMillis) {
        try {
            return "result " + m.lock(Duration.ofMillis(timeoutMillis));
        } catch (IpcException e) {
            return "error " + e.error();
        }
    }

    private static void count(SyncService sync, SharedMemoryService shm, String mutex, String segment,
            long counterOffset, long readyOffset, long goOffset, int n) throws InterruptedException {
        Mutex m = sync.openMutex(mutex);
        try (SharedMemory s = shm.open(segment); Mapping map = s.map(MapAccess.READ_WRITE)) {
            map.getAndAddLong(readyOffset, 1);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
            while (map.getLongVolatile(goOffset) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out waiting for the go word");
                }
                Thread.sleep(1);
            }
            for (int i = 0; i < n; i++) {
                LockResult r = m.lock(Duration.ofMillis(WAIT_MILLIS));
                if (r != LockResult.ACQUIRED) {
                    throw new IllegalStateException("lock " + i + " returned " + r);
                }
                try {
                    long before = map.getLong(counterOffset);
                    if ((i & 63) == 0) {
                        Thread.yield(); // widen the window a broken lock would let others into
                    }
                    map.putLong(counterOffset, before + 1);
                } finally {
                    m.unlock();
                }
            }
            say("counted " + n);
        }
    }

    /**
     * Locks and unlocks a robust mutex until the stop word is set (see {@link MutexKillStressTest}
     * for the segment's words), checking inside that nobody else is: a holder killed inside leaves
     * its mark, which the next locker, told OWNER_DEAD, clears before it marks the mutex consistent.
     */
    private static void hammer(SyncService sync, SharedMemoryService shm, String mutex, String segment) {
        Mutex m = sync.openMutex(mutex);
        try (SharedMemory s = shm.open(segment); Mapping map = s.map(MapAccess.READ_WRITE)) {
            say("hammering");
            long me = ProcessHandle.current().pid();
            for (long i = 0; map.getIntVolatile(MutexKillStressTest.STOP) == 0; i++) {
                LockResult r = m.lock(Duration.ofMillis(WAIT_MILLIS));
                if (r == LockResult.OWNER_DEAD) {
                    map.putIntVolatile(MutexKillStressTest.INSIDE, 0); // the dead holder's mark
                    map.putLongVolatile(MutexKillStressTest.HOLDER, 0);
                    map.getAndAddLong(MutexKillStressTest.TAKEOVERS, 1);
                    m.markConsistent();
                }
                try {
                    if (map.getAndAddInt(MutexKillStressTest.INSIDE, 1) != 0) {
                        map.getAndAddLong(MutexKillStressTest.VIOLATIONS, 1);
                    }
                    map.putLongVolatile(MutexKillStressTest.HOLDER, me);
                    if ((i & 7) == 0) {
                        Thread.yield(); // widen the window a second holder would enter
                    }
                    if (map.getLongVolatile(MutexKillStressTest.HOLDER) != me || !m.isHeldByCurrentThread()) {
                        map.getAndAddLong(MutexKillStressTest.VIOLATIONS, 1);
                    }
                    map.putLongVolatile(MutexKillStressTest.HOLDER, 0);
                    map.getAndAddInt(MutexKillStressTest.INSIDE, -1);
                    map.getAndAddLong(MutexKillStressTest.ENTRIES, 1);
                } finally {
                    m.unlock();
                }
            }
            say("stopped");
        }
    }

    private static void acquire(SyncService sync, String name, long timeoutMillis) throws Exception {
        Semaphore sem = sync.openSemaphore(name);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                say("waiting");
                sem.acquire(Duration.ofMillis(timeoutMillis));
                say("acquired");
            } catch (Throwable t) {
                failure.set(t);
            }
        }, WAITER_THREAD);
        waiter.start();
        waiter.join(timeoutMillis + WAIT_MILLIS);
        if (waiter.isAlive()) {
            throw new IllegalStateException("the waiter thread did not end");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("acquire failed", failure.get());
        }
    }

    private static void post(SyncService sync, String name) {
        sync.openSemaphore(name).release();
    }

    private static void awaitEvent(EventService events, String name, long timeoutMillis) {
        Event e = events.open(name);
        say("waiting");
        long data = e.await(Duration.ofMillis(timeoutMillis));
        say("got " + data);
    }

    private static void signalEvent(EventService events, String name, long data) {
        events.open(name).signal(data);
    }

    private static void awaitCondition(SyncService sync, SharedMemoryService shm, String mutex, String condition,
            String segment, long flagOffset, long timeoutMillis) {
        Mutex m = sync.openMutex(mutex);
        Condition c = sync.openCondition(condition);
        try (SharedMemory s = shm.open(segment); Mapping map = s.map(MapAccess.READ_WRITE)) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            LockResult r = m.lock(Duration.ofMillis(timeoutMillis));
            if (r != LockResult.ACQUIRED) {
                throw new IllegalStateException("lock returned " + r);
            }
            try {
                say("waiting");
                while (map.getIntVolatile(flagOffset) == 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("the flag was not set within " + timeoutMillis + " ms");
                    }
                    try {
                        c.await(m, Duration.ofNanos(left));
                    } catch (IpcException e) {
                        if (e.error() != IpcError.TIMEOUT) {
                            throw e;
                        }
                    }
                }
            } finally {
                m.unlock();
            }
            say("woken");
        }
    }

    private static void signalCondition(SyncService sync, SharedMemoryService shm, String mutex, String condition,
            String segment, long flagOffset, String how) {
        Mutex m = sync.openMutex(mutex);
        Condition c = sync.openCondition(condition);
        try (SharedMemory s = shm.open(segment); Mapping map = s.map(MapAccess.READ_WRITE)) {
            LockResult r = m.lock(Duration.ofMillis(WAIT_MILLIS));
            if (r != LockResult.ACQUIRED) {
                throw new IllegalStateException("lock returned " + r);
            }
            try {
                map.putIntVolatile(flagOffset, 1);
                switch (how) {
                    case "signal" -> c.signal();
                    case "broadcast" -> c.broadcast();
                    default -> throw new IllegalArgumentException("signal or broadcast, not " + how);
                }
            } finally {
                m.unlock();
            }
        }
    }
}
