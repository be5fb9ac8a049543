package org.multios.ipc.sync;

import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.shm.Mapping;

/**
 * One contending thread of {@link SyncSoakTest}, in the test JVM or in a child JVM
 * ({@link SyncSoakChildMain}). Until its deadline it enters a critical section guarded by a
 * named mutex or a named counting semaphore, checks the section's invariant there, and at the
 * end writes its tally into its own slot of a named segment. Each form of the lock calls
 * (blocking, timed, try, and tries of {@link #SHORT_TRY} again and again, each of which judges
 * the owner's liveness once it slept) is used in turn; every wait is bounded by {@link #WAIT}.
 *
 * <pre>
 * state segment (native byte order, every word on its own cache line)
 *    0  long  COUNTER   mutex: incremented by a plain read and a plain write inside the lock
 *   64  int   INSIDE    threads inside the section: atomic +1 on entry, -1 on exit
 *  128  long  OWNER     mutex: the id of the thread inside (plain), 0 when free
 *  192  int   HIGH      semaphore: the most threads ever seen inside at once
 *  256 + 64 * slot:  long entries | long violations (written once, at the end)
 * </pre>
 *
 * A violation is any of: a lock that returned other than ACQUIRED, somebody else inside the
 * mutex's section (INSIDE was not 0 on entry, or OWNER changed while inside), more than
 * {@code permits} threads inside the semaphore's section, or a mutex not held by the current
 * thread while inside.
 */
final class SyncSoakWorker implements Runnable {
    static final long COUNTER = 0;
    static final long INSIDE = 64;
    static final long OWNER = 128;
    static final long HIGH = 192;
    static final long SLOTS = 256;
    static final long SLOT_SIZE = 64;
    static final int MAX_SLOTS = 60;
    static final long SEGMENT_SIZE = SLOTS + SLOT_SIZE * MAX_SLOTS;

    /** The longest any single lock or acquire may wait before the run counts as hung. */
    static final Duration WAIT = Duration.ofSeconds(60);
    /** A timed lock this short, tried again until it succeeds. */
    static final Duration SHORT_TRY = Duration.ofMillis(1);

    private final Mutex mutex;
    private final Semaphore semaphore;
    private final int permits;
    private final Mapping m;
    private final int slot;
    private final long deadlineNanos;

    /** A worker on a mutex. */
    static SyncSoakWorker onMutex(Mutex mutex, Mapping m, int slot, long deadlineNanos) {
        return new SyncSoakWorker(mutex, null, 1, m, slot, deadlineNanos);
    }

    /** A worker on a semaphore of {@code permits} permits. */
    static SyncSoakWorker onSemaphore(Semaphore semaphore, int permits, Mapping m, int slot, long deadlineNanos) {
        return new SyncSoakWorker(null, semaphore, permits, m, slot, deadlineNanos);
    }

    private SyncSoakWorker(Mutex mutex, Semaphore semaphore, int permits, Mapping m, int slot, long deadlineNanos) {
        if (slot < 0 || slot >= MAX_SLOTS) {
            throw new IllegalArgumentException("slot " + slot);
        }
        this.mutex = mutex;
        this.semaphore = semaphore;
        this.permits = permits;
        this.m = m;
        this.slot = slot;
        this.deadlineNanos = deadlineNanos;
    }

    static long slot(int slot, int field) {
        return SLOTS + SLOT_SIZE * slot + 8L * field;
    }

    @Override
    public void run() {
        long entries = 0;
        long violations = 0;
        long me = ProcessHandle.current().pid() << 20 | slot + 1;
        do { // one batch at least: a child JVM that started slowly on a loaded machine still takes part
            for (int batch = 0; batch < 16; batch++, entries++) {
                violations += mutex != null ? mutexSection(entries, me) : semaphoreSection(entries);
            }
        } while (System.nanoTime() - deadlineNanos < 0);
        m.putLongVolatile(slot(slot, 0), entries);
        m.putLongVolatile(slot(slot, 1), violations);
    }

    private long mutexSection(long i, long me) {
        long violations = 0;
        LockResult r = switch ((int) (i % 4)) {
            case 0 -> mutex.lock(WAIT);
            case 1 -> {
                LockResult t = mutex.tryLock();
                yield t == LockResult.BUSY ? mutex.lock(WAIT) : t;
            }
            case 2 -> lockInShortTries();
            default -> mutex.lock();
        };
        if (r != LockResult.ACQUIRED) {
            violations++;
        }
        try {
            if (m.getAndAddInt(INSIDE, 1) != 0) {
                violations++;
            }
            m.putLong(OWNER, me);
            long before = m.getLong(COUNTER);
            if ((i & 15) == 0) {
                Thread.yield(); // widen the window a broken lock would let others into
            }
            m.putLong(COUNTER, before + 1);
            if (m.getLong(OWNER) != me || !mutex.isHeldByCurrentThread()) {
                violations++;
            }
            m.putLong(OWNER, 0);
            m.getAndAddInt(INSIDE, -1);
        } finally {
            if (r == LockResult.OWNER_DEAD) {
                mutex.markConsistent();
            }
            mutex.unlock();
        }
        return violations;
    }

    private LockResult lockInShortTries() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return mutex.lock(SHORT_TRY);
            } catch (IpcException e) {
                if (e.error() != IpcError.TIMEOUT || System.nanoTime() - deadline > 0) {
                    throw e;
                }
            }
        }
    }

    private long semaphoreSection(long i) {
        long violations = 0;
        switch ((int) (i % 3)) {
            case 0 -> semaphore.acquire(WAIT);
            case 1 -> {
                if (!semaphore.tryAcquire()) {
                    semaphore.acquire(WAIT);
                }
            }
            default -> semaphore.acquire();
        }
        try {
            int inside = m.getAndAddInt(INSIDE, 1) + 1;
            if (inside > permits) {
                violations++;
            }
            int high = m.getIntVolatile(HIGH);
            while (inside > high && !m.compareAndSetInt(HIGH, high, inside)) {
                high = m.getIntVolatile(HIGH);
            }
            if ((i & 7) == 0) {
                Thread.yield();
            }
            m.getAndAddInt(INSIDE, -1);
        } finally {
            semaphore.release();
        }
        return violations;
    }
}
