package org.multios.ipc.sync;

import static org.multios.ipc.sync.KillStopStressLayout.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

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
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * A child JVM of {@link KillStopStressTest}: {@code <mode> <object> <segment> <incarnation>
 * <threads> <seed> [permits]} starts {@code threads} threads that hammer the named object
 * until the stop word of the state segment ({@link KillStopStressLayout}) is set, prints
 * {@code hammering} once they run, and ends with 0 (or 1 and the reason on standard error).
 * Thread {@code t} owns slot {@code incarnation * threads + t}. Modes: {@code mutex},
 * {@code semaphore}, {@code event} (even threads signal, odd ones wait), {@code condition}
 * (thread 0 produces, the others consume, through the mutex {@code <object>} and the condition
 * {@code <object>-c}). Every blocking call
 * is bounded; the parent kills, stops and continues these processes at random.
 */
public final class KillStopStressChildMain {
    private KillStopStressChildMain() {
    }

    public static void main(String[] args) {
        ChildMain.runAnnounced(args, KillStopStressChildMain::run);
    }

    private static void run(String[] args) throws InterruptedException {
        String mode = args[0];
        int incarnation = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        long seed = Long.parseLong(args[5]);
        try (IpcContext ipc = LocalPlatform.open(IpcEnvironment.defaults(),
                List.of(new SyncFactories.Sync(), new SyncFactories.Events(), new SharedMemoryFactory()));
                SharedMemory segment = ipc.service(SharedMemoryService.class).open(args[2]);
                Mapping m = segment.map(MapAccess.READ_WRITE)) {
            SyncService sync = ipc.service(SyncService.class);
            EventService events = ipc.service(EventService.class);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int slot = incarnation * threads + t;
                SplittableRandom random = new SplittableRandom(seed * 31 + slot);
                Runnable work = switch (mode) {
                    case "mutex" -> () -> mutex(sync.openMutex(args[1]), m, slot, random);
                    case "semaphore" -> () -> semaphore(sync.openSemaphore(args[1]), Integer.parseInt(args[6]), m,
                            slot, random);
                    case "event" -> (t & 1) == 0 ? () -> signaller(events.open(args[1]), m, slot, random)
                            : () -> waiter(events.open(args[1]), m, slot, random);
                    case "condition" -> t == 0
                            ? () -> producer(sync.openMutex(args[1]), sync.openCondition(args[1] + "-c"), m, slot,
                                    random)
                            : () -> consumer(sync.openMutex(args[1]), sync.openCondition(args[1] + "-c"), m, slot,
                                    random);
                    default -> throw new IllegalArgumentException(mode);
                };
                Thread w = new Thread(work, "stress-" + mode + "-" + slot);
                w.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                workers.add(w);
                w.start();
            }
            System.out.println("hammering");
            System.out.flush();
            for (Thread w : workers) {
                w.join(WAIT_MILLIS);
                if (w.isAlive()) {
                    throw new IllegalStateException(w.getName() + " did not end");
                }
            }
            if (!failures.isEmpty()) {
                throw new IllegalStateException("a worker failed", failures.get(0));
            }
        }
    }

    /** Locks in turn with lock(), a timed lock and tryLock; checks it is alone inside by a CAS on the holder word. */
    private static void mutex(Mutex mutex, Mapping m, int slot, SplittableRandom random) {
        long token = ProcessHandle.current().pid() << 16 | slot;
        long slotBase = slotOffset(slot);
        m.putLongVolatile(slotBase + STATE, threadId());
        while (m.getIntVolatile(STOP) == 0) {
            if (random.nextInt(4096) == 0) {
                abandon(mutex, m, slot, token);
                continue;
            }
            LockResult r;
            int form = random.nextInt(4);
            try {
                r = switch (form) {
                    case 0 -> mutex.lock(Duration.ofMillis(WAIT_MILLIS));
                    case 1 -> mutex.lock(Duration.ofMillis(1 + random.nextInt(20)));
                    case 2 -> mutex.tryLock();
                    default -> mutex.lock(Duration.ofMillis(200 + random.nextInt(2000)));
                };
            } catch (IpcException e) {
                if (e.error() != IpcError.TIMEOUT || form == 0) {
                    throw e;
                }
                m.getAndAddLong(TIMEOUTS, 1);
                continue;
            }
            if (r == LockResult.BUSY) {
                m.getAndAddLong(TIMEOUTS, 1);
                continue;
            }
            if (r == LockResult.OWNER_DEAD) {
                tookOver(mutex, m);
            }
            enter(m, token);
            long c = m.getLong(COUNTER); // plain read and write: only the holder touches it
            if (random.nextInt(8) == 0) {
                Thread.yield();
            }
            if (random.nextInt(64) == 0) {
                sleepMicros(random.nextInt(3000)); // hold a while: stops land here
            }
            m.putLong(COUNTER, c + 1);
            m.putLongVolatile(slotBase + TALLY, m.getLongVolatile(slotBase + TALLY) + 1);
            if (!mutex.isHeldByCurrentThread()) {
                m.getAndAddLong(VIOLATIONS, 1);
            }
            leave(m, token);
            m.getAndAddLong(ENTRIES, 1);
            mutex.unlock();
        }
    }

    /**
     * After OWNER_DEAD: counts a takeover, and a wrong one if the recorded holder's thread still
     * exists; clears the dead holder's mark and makes the mutex consistent.
     */
    private static void tookOver(Mutex mutex, Mapping m) {
        long previous = m.getLongVolatile(HOLDER);
        if (previous != 0 && (previous & ABANDONING) == 0) {
            // the holder's thread: the lock's owner is a thread, and a killed process's
            // threads end one by one; a thread that still exists was alive when judged
            long tid = m.getLongVolatile(slotOffset((int) (previous & 0x7fff)) + STATE);
            if (isLiveThread(previous >>> 16, tid)) {
                m.getAndAddLong(WRONG_TAKEOVERS, 1);
                m.putLongVolatile(WRONG_TAKEOVER_PID, previous >>> 16 << 24 | tid);
            }
        }
        m.putLongVolatile(HOLDER, 0); // the dead holder's mark
        m.getAndAddLong(TAKEOVERS, 1);
        mutex.markConsistent();
    }

    /** Marks the mutex held by {@code token}: a second holder finds the word taken. */
    private static void enter(Mapping m, long token) {
        if (!m.compareAndSetLong(HOLDER, 0, token)) {
            m.getAndAddLong(VIOLATIONS, 1);
            m.putLongVolatile(VIOLATION_WHAT, m.getLongVolatile(HOLDER));
        }
    }

    /** Clears the holder mark of {@code token}, before an unlock or a wait releases the mutex. */
    private static void leave(Mapping m, long token) {
        if (!m.compareAndSetLong(HOLDER, token, 0)) {
            m.getAndAddLong(VIOLATIONS, 1);
            m.putLongVolatile(VIOLATION_WHAT, m.getLongVolatile(HOLDER));
        }
    }

    /** Locks with a random timeout; false if it timed out. Takes over from a dead holder. */
    private static boolean lockTimed(Mutex mutex, Mapping m, long token, SplittableRandom random) {
        LockResult r;
        try {
            r = mutex.lock(Duration.ofMillis(1 + random.nextInt(300)));
        } catch (IpcException e) {
            if (e.error() != IpcError.TIMEOUT) {
                throw e;
            }
            m.getAndAddLong(TIMEOUTS, 1);
            return false;
        }
        if (r == LockResult.OWNER_DEAD) {
            tookOver(mutex, m);
        }
        enter(m, token);
        return true;
    }

    /**
     * Waits on the condition, holding the mutex as {@code token}: the mark is cleared while the
     * wait has released the mutex, and set again once it holds it again (whether the wait was
     * signalled, timed out or took over from a dead holder).
     */
    private static void await(Condition cond, Mutex mutex, Mapping m, long token, long millis) {
        leave(m, token);
        LockResult r;
        try {
            r = cond.await(mutex, Duration.ofMillis(millis));
        } catch (IpcException e) {
            if (e.error() != IpcError.TIMEOUT) {
                throw e;
            }
            m.getAndAddLong(TIMEOUTS, 1);
            r = LockResult.ACQUIRED; // a timed-out wait returns holding the mutex
        }
        if (r == LockResult.OWNER_DEAD) {
            tookOver(mutex, m);
        }
        enter(m, token);
    }

    /**
     * Adds an item (up to {@link KillStopStressLayout#ITEMS_MAX}) under the mutex and signals one
     * waiter or broadcasts; idles while the test pauses.
     */
    private static void producer(Mutex mutex, Condition cond, Mapping m, int slot, SplittableRandom random) {
        long token = ProcessHandle.current().pid() << 16 | slot;
        m.putLongVolatile(slotOffset(slot) + STATE, threadId());
        while (m.getIntVolatile(STOP) == 0) {
            if (m.getIntVolatile(PAUSE) != 0 || !lockTimed(mutex, m, token, random)) {
                sleepMicros(500);
                continue;
            }
            long items = m.getLong(COUNTER); // plain: only the holder touches it
            if (items < ITEMS_MAX) {
                m.putLong(COUNTER, items + 1);
                m.getAndAddLong(SIGNALS, 1);
            }
            if (random.nextInt(4) == 0) {
                cond.broadcast();
            } else {
                cond.signal();
            }
            if (random.nextInt(64) == 0) {
                sleepMicros(random.nextInt(2000)); // hold a while: stops land here
            }
            leave(m, token);
            mutex.unlock();
            m.getAndAddLong(ENTRIES, 1);
            if (random.nextInt(8) == 0) {
                sleepMicros(random.nextInt(1000));
            }
        }
    }

    /**
     * Takes items under the mutex, waiting on the condition (1-200 ms) while there are none. While
     * the test pauses, waits (60 s) until the generation word moves past the one it recorded in its
     * slot's tally, and records the new one: the test's broadcast must reach every live consumer.
     */
    private static void consumer(Mutex mutex, Condition cond, Mapping m, int slot, SplittableRandom random) {
        long token = ProcessHandle.current().pid() << 16 | slot;
        long slotBase = slotOffset(slot);
        m.putLongVolatile(slotBase + TALLY, -1);
        m.putLongVolatile(slotBase + STATE, threadId());
        while (m.getIntVolatile(STOP) == 0) {
            if (!lockTimed(mutex, m, token, random)) {
                continue;
            }
            if (m.getIntVolatile(PAUSE) != 0) {
                long generation = m.getLongVolatile(GENERATION);
                m.putLongVolatile(slotBase + TALLY, generation); // waiting for the next one
                while (m.getLongVolatile(GENERATION) == generation && m.getIntVolatile(STOP) == 0) {
                    await(cond, mutex, m, token, WAIT_MILLIS);
                }
                m.putLongVolatile(slotBase + TALLY, m.getLongVolatile(GENERATION));
            } else {
                while (m.getLong(COUNTER) == 0 && m.getIntVolatile(STOP) == 0 && m.getIntVolatile(PAUSE) == 0) {
                    await(cond, mutex, m, token, 1 + random.nextInt(200));
                }
                long items = m.getLong(COUNTER);
                if (items < 0) {
                    m.getAndAddLong(VIOLATIONS, 1);
                    m.putLongVolatile(VIOLATION_WHAT, items);
                } else if (items > 0) {
                    m.putLong(COUNTER, items - 1);
                    m.getAndAddLong(ENTRIES, 1);
                }
            }
            leave(m, token);
            mutex.unlock();
        }
    }

    /**
     * A thread of this (live) process locks, counts like a holder and ends without unlocking:
     * the next locker must get OWNER_DEAD. Its holder word carries {@link KillStopStressLayout#ABANDONING}.
     */
    private static void abandon(Mutex mutex, Mapping m, int slot, long token) {
        long slotBase = slotOffset(slot);
        Thread t = new Thread(() -> {
            LockResult r = mutex.lock(Duration.ofMillis(WAIT_MILLIS));
            if (r == LockResult.OWNER_DEAD) {
                m.putLongVolatile(HOLDER, 0);
                m.getAndAddLong(TAKEOVERS, 1);
                mutex.markConsistent();
            }
            if (!m.compareAndSetLong(HOLDER, 0, token | ABANDONING)) {
                m.getAndAddLong(VIOLATIONS, 1);
                m.putLongVolatile(VIOLATION_WHAT, m.getLongVolatile(HOLDER));
            }
            m.putLong(COUNTER, m.getLong(COUNTER) + 1);
            m.putLongVolatile(slotBase + TALLY, m.getLongVolatile(slotBase + TALLY) + 1);
            m.getAndAddLong(ABANDONS, 1);
            m.getAndAddLong(ENTRIES, 1);
        }, "stress-abandon-" + slot);
        t.start();
        try {
            t.join(WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (t.isAlive()) {
            throw new IllegalStateException(t.getName() + " did not end");
        }
    }

    /** Acquires (timed or try), counts itself inside, releases; parks while the test pauses. */
    private static void semaphore(Semaphore sem, int permits, Mapping m, int slot, SplittableRandom random) {
        long slotBase = slotOffset(slot);
        while (m.getIntVolatile(STOP) == 0) {
            if (m.getIntVolatile(PAUSE) != 0) {
                m.putLongVolatile(slotBase + STATE, PARKED);
                while (m.getIntVolatile(PAUSE) != 0 && m.getIntVolatile(STOP) == 0) {
                    sleepMicros(500);
                }
                m.putLongVolatile(slotBase + STATE, IDLE);
                continue;
            }
            m.putLongVolatile(slotBase + STATE, ACQUIRING);
            boolean got;
            if (random.nextInt(4) == 0) {
                got = sem.tryAcquire();
            } else {
                try {
                    sem.acquire(Duration.ofMillis(1 + random.nextInt(300)));
                    got = true;
                } catch (IpcException e) {
                    if (e.error() != IpcError.TIMEOUT) {
                        throw e;
                    }
                    got = false;
                }
            }
            if (!got) {
                m.putLongVolatile(slotBase + STATE, IDLE);
                m.getAndAddLong(TIMEOUTS, 1);
                continue;
            }
            m.putLongVolatile(slotBase + STATE, HOLDING);
            int inside = m.getAndAddInt(INSIDE, 1) + 1;
            if (inside > permits) {
                m.getAndAddLong(VIOLATIONS, 1);
                m.putLongVolatile(VIOLATION_WHAT, inside);
            }
            long max;
            while (inside > (max = m.getLongVolatile(MAX_INSIDE)) && !m.compareAndSetLong(MAX_INSIDE, max, inside)) {
                // retry
            }
            if (random.nextInt(16) == 0) {
                sleepMicros(random.nextInt(2000));
            } else {
                Thread.yield();
            }
            m.getAndAddInt(INSIDE, -1);
            m.putLongVolatile(slotBase + STATE, RELEASING);
            sem.release();
            m.putLongVolatile(slotBase + STATE, IDLE);
            m.putLongVolatile(slotBase + TALLY, m.getLongVolatile(slotBase + TALLY) + 1);
            m.getAndAddLong(ENTRIES, 1);
        }
        m.putLongVolatile(slotBase + STATE, IDLE);
    }

    /** Signals unique data ({@code slot << 32 | n}), now and then pausing, until stopped or out of bits. */
    private static void signaller(Event event, Mapping m, int slot, SplittableRandom random) {
        long slotBase = slotOffset(slot);
        for (long n = 1; n < EVENT_BITS && m.getIntVolatile(STOP) == 0 && m.getIntVolatile(PAUSE) == 0; n++) {
            m.putLongVolatile(slotBase + STATE, n); // about to signal n: signals up to n may have been made
            event.signal((long) slot << 32 | n);
            m.putLongVolatile(slotBase + TALLY, n);
            m.getAndAddLong(SIGNALS, 1);
            if (random.nextInt(32) == 0) {
                sleepMicros(random.nextInt(1000));
            }
        }
        m.getAndAddInt(SIGNALLERS_DONE, 1);
    }

    /** Takes data (timed wait or try), marking each in the bitmap: a datum marked twice is a violation. */
    private static void waiter(Event event, Mapping m, int slot, SplittableRandom random) {
        long slotBase = slotOffset(slot);
        while (m.getIntVolatile(STOP) == 0) {
            long datum;
            if (random.nextInt(4) == 0) {
                var d = event.tryAwait();
                if (d.isEmpty()) {
                    Thread.yield();
                    continue;
                }
                datum = d.getAsLong();
            } else {
                try {
                    datum = event.await(Duration.ofMillis(1 + random.nextInt(200)));
                } catch (IpcException e) {
                    if (e.error() != IpcError.TIMEOUT) {
                        throw e;
                    }
                    m.getAndAddLong(TIMEOUTS, 1);
                    continue;
                }
            }
            int from = (int) (datum >>> 32);
            long n = datum & 0xffff_ffffL;
            if (from < 0 || from >= MAX_SLOTS || n == 0 || n >= EVENT_BITS) {
                m.getAndAddLong(VIOLATIONS, 1);
                m.putLongVolatile(VIOLATION_WHAT, datum);
                continue;
            }
            long word = BITMAP + (from * EVENT_BITS + n) / 64 * 8;
            long bit = 1L << (n & 63);
            long old;
            do {
                old = m.getLongVolatile(word);
            } while (!m.compareAndSetLong(word, old, old | bit));
            if ((old & bit) != 0) {
                m.getAndAddLong(VIOLATIONS, 1);
                m.putLongVolatile(VIOLATION_WHAT, datum);
            }
            m.putLongVolatile(slotBase + TALLY, m.getLongVolatile(slotBase + TALLY) + 1);
            m.getAndAddLong(ENTRIES, 1);
        }
    }

    /** The calling thread's id (gettid), from {@code /proc/thread-self}. */
    private static long threadId() {
        try {
            Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return Long.parseLong(self.getFileName().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether the thread exists and is not a zombie (a stopped thread is alive). */
    static boolean isLiveThread(long pid, long tid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(tid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true; // unknown: counted alive, as the platform does
        }
    }

    private static void sleepMicros(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(0, 100_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
