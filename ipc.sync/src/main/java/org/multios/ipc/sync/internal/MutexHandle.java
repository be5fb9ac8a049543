package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;

/**
 * A mutex on a shared page. Its lock word holds the owning OS thread, its start tick and a
 * waiters bit in one 64-bit word ({@link SyncDescriptor}), so that another process can tell
 * whether the owner still lives: when a robust mutex's owning thread or process is dead for
 * certain ({@link ProcessLiveness}), the next locker compares-and-sets that very word to itself
 * and learns OWNER_DEAD. A caller that goes away holding the lock (its bundle stops) releases
 * it, as owner-dead for a robust mutex.
 */
final class MutexHandle extends SyncHandle implements Mutex {
    /**
     * System property (test and diagnosis only): a locker pauses this many microseconds in each
     * window where an owner is being recorded or judged, so that a soak hits them. 0 or absent:
     * no pause (the hook is null and costs nothing).
     */
    static final String WINDOW_PAUSE_PROPERTY = "org.multios.ipc.mutex.windowPauseMicros";

    // steps at which a test hook is called
    /** The lock word was just set to this thread; the rest of the owner record is not written yet. */
    static final int STEP_ACQUIRED = 1;
    /** A waiter read the owner word it is about to judge. */
    static final int STEP_OWNER_READ = 2;
    /** A waiter judged the owner word (and took over if it found it dead). */
    static final int STEP_OWNER_JUDGED = 3;

    private static final Hook PAUSE_HOOK = pauseHook(Long.getLong(WINDOW_PAUSE_PROPERTY, 0L));

    private final ProcessLiveness liveness = ProcessLiveness.system();
    private final long home;
    /** The owner word this handle locked with while a thread holds the lock through it, else 0. */
    private volatile long heldWord;

    MutexHandle(SyncSession session, SyncObject object, Grant grant) {
        super(session, object, grant);
        this.home = region.getLongVolatile(HOME_NAMESPACE);
        hook(PAUSE_HOOK);
    }

    private static Hook pauseHook(long micros) {
        if (micros <= 0) {
            return null;
        }
        return step -> {
            if (step != STEP_OWNER_JUDGED) {
                LockSupport.parkNanos(micros * 1000);
            }
        };
    }

    @Override
    long capacity() {
        return 1;
    }

    private boolean robust() {
        return (region.getIntVolatile(WORD2) & OPTION_ROBUST) != 0;
    }

    private boolean recursive() {
        return (region.getIntVolatile(WORD2) & OPTION_RECURSIVE) != 0;
    }

    private long callerId() {
        return session.caller().process().id();
    }

    /** The owner word of the calling thread, without the waiters bit. */
    private long myWord() {
        return liveness.currentThreadWord(home);
    }

    private long ownerWord() {
        return region.getLongVolatile(LOCK_WORD) & ~MUTEX_WAITERS_BIT;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        long owner = ownerWord();
        if (owner == 0 || ProcessLiveness.ownerId(owner) != liveness.currentThreadId()) {
            return false; // a thread that holds the lock knows its own word (and nobody else has it)
        }
        // only this thread can have written its own word, so the record read after it is its own
        return owner == myWord() && region.getLongVolatile(OWNER_PROCESS) == callerId();
    }

    @Override
    public LockResult lock() {
        return lock(NO_DEADLINE, false);
    }

    @Override
    public LockResult lock(Duration timeout) {
        return lock(deadline(timeout, object.displayName()), false);
    }

    @Override
    public LockResult tryLock() {
        return lock(System.nanoTime(), true);
    }

    private LockResult lock(long deadline, boolean once) {
        require(Rights.WRITE, "lock");
        checkRecoverable();
        if (isHeldByCurrentThread()) {
            if (!recursive()) {
                if (once) {
                    return LockResult.BUSY;
                }
                throw new IpcException(IpcError.DEADLOCK, object.displayName()
                        + " is not recursive and is already held by this thread");
            }
            int holds = region.getIntVolatile(HOLD_COUNT);
            if (holds == Integer.MAX_VALUE) {
                throw new IpcException(IpcError.LIMIT_EXCEEDED, object.displayName() + ": lock count would overflow");
            }
            region.putIntRelease(HOLD_COUNT, holds + 1);
            return LockResult.ACQUIRED;
        }
        long me = myWord();
        long start = 0;
        long nextLivenessCheck = 0;
        boolean waited = false;
        boolean owner = false;
        WaitStrategy strategy = null;
        int idlePasses = -1; // -1: not idling (yet, or any more)
        boolean slept = false;
        try {
            while (true) {
                recheck("lock");
                long w = region.getLongVolatile(LOCK_WORD);
                if (w == 0) {
                    // after sleeping, others may still sleep: keep their bit so that unlock wakes one
                    if (claim(0, slept ? me | MUTEX_WAITERS_BIT : me)) {
                        owner = true;
                        if (idlePasses > 0) {
                            spinPaidOff(strategy);
                        }
                        return becomeOwner(me, false);
                    }
                    continue;
                }
                if (waited && System.nanoTime() - nextLivenessCheck >= 0) {
                    nextLivenessCheck = System.nanoTime() + Futex.MAX_SLICE_NANOS;
                    step(STEP_OWNER_READ);
                    // the takeover replaces exactly the owner judged dead, or nothing
                    boolean tookOver = liveness.isOwnerDead(w, home) && claim(w, me | (w & MUTEX_WAITERS_BIT));
                    step(STEP_OWNER_JUDGED);
                    if (tookOver) {
                        owner = true;
                        return becomeOwner(me, robust());
                    }
                    continue;
                }
                if (once) {
                    return LockResult.BUSY;
                }
                if (!waited) {
                    waited = true;
                    start = System.nanoTime();
                    object.count(CONTENTION, 1);
                    object.count(WAITS, 1);
                    strategy = waitStrategy();
                    if (strategy.kind() != WaitStrategy.Kind.BLOCK) {
                        // idling, the owner's liveness is checked once a slice, as between sleeps
                        idlePasses = 0;
                        nextLivenessCheck = start + sliceNanos();
                    }
                }
                if (idlePasses >= 0) {
                    // unannounced: the waiters bit stays clear, so the owner's unlock makes no system call
                    if (idle(strategy, idlePasses++, start, deadline, "lock")) {
                        continue;
                    }
                    idlePasses = -1;
                }
                long sleeping = w | MUTEX_WAITERS_BIT;
                if (w != sleeping && !region.compareAndSetLong(LOCK_WORD, w, sleeping)) {
                    continue;
                }
                slept = true;
                if (!sleep(LOCK_FUTEX, (int) sleeping, deadline, "lock")) {
                    object.count(TIMEOUTS, 1);
                    throw IpcException.timeout("lock", object.displayName());
                }
                checkRecoverable();
            }
        } finally {
            if (waited) {
                object.recordWait(System.nanoTime() - start);
                if (slept && !owner) {
                    passOn();
                }
            }
        }
    }

    /** Swaps the lock word from {@code expected} to {@code word}, inside the grant's step gate. */
    private boolean claim(long expected, long word) {
        beginStep(Rights.WRITE, "lock");
        try {
            return region.compareAndSetLong(LOCK_WORD, expected, word);
        } finally {
            endStep();
        }
    }

    /**
     * Called by a sleeper that leaves without the lock (revoked, closed, interrupted, timed out),
     * since the wake-up it got from an unlock may have been the only one: wakes one more sleeper
     * if the lock is free, or else makes sure the owner's unlock wakes one.
     */
    private void passOn() {
        while (true) {
            long w = region.getLongVolatile(LOCK_WORD);
            if (w == 0) {
                Futex.wake(region, LOCK_FUTEX, 1);
                return;
            }
            if ((w & MUTEX_WAITERS_BIT) != 0 || region.compareAndSetLong(LOCK_WORD, w, w | MUTEX_WAITERS_BIT)) {
                return;
            }
        }
    }

    private LockResult becomeOwner(long me, boolean ownerDied) {
        step(STEP_ACQUIRED);
        heldWord = me;
        region.putLongRelease(OWNER_PROCESS, callerId());
        region.putIntRelease(HOLD_COUNT, 1);
        if ((region.getIntVolatile(FLAGS) & FLAG_NOT_RECOVERABLE) != 0) {
            releaseLock(me);
            checkRecoverable();
        }
        object.count(ACQUISITIONS, 1);
        if (ownerDied) {
            setFlag(FLAG_INCONSISTENT);
        }
        return (region.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) != 0 ? LockResult.OWNER_DEAD : LockResult.ACQUIRED;
    }

    private void checkRecoverable() {
        if ((region.getIntVolatile(FLAGS) & FLAG_NOT_RECOVERABLE) != 0) {
            throw new IpcException(IpcError.NOT_RECOVERABLE, object.displayName()
                    + " was left inconsistent by an owner that died and can no longer be locked");
        }
    }

    private void setFlag(int flag) {
        while (true) {
            int f = region.getIntVolatile(FLAGS);
            if ((f & flag) == flag || region.compareAndSetInt(FLAGS, f, f | flag)) {
                return;
            }
        }
    }

    @Override
    public void unlock() {
        require(Rights.WRITE, "unlock");
        if (!isHeldByCurrentThread()) {
            throw new IpcException(IpcError.NOT_OWNER, object.displayName() + " is not held by this thread of "
                    + caller());
        }
        int holds = region.getIntVolatile(HOLD_COUNT);
        if (holds > 1) {
            region.putIntRelease(HOLD_COUNT, holds - 1);
            return;
        }
        if ((region.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) != 0) {
            setFlag(FLAG_NOT_RECOVERABLE);
        }
        releaseLock(myWord());
    }

    /**
     * Frees the lock if {@code word} still owns it, and wakes one sleeper. The rest of the owner
     * record stays: it means something only beside its owner word, and the next owner rewrites it.
     */
    private void releaseLock(long word) {
        heldWord = 0;
        while (true) {
            long w = region.getLongVolatile(LOCK_WORD);
            if ((w & ~MUTEX_WAITERS_BIT) != word) {
                return;
            }
            if (region.compareAndSetLong(LOCK_WORD, w, 0)) {
                if ((w & MUTEX_WAITERS_BIT) != 0) {
                    Futex.wake(region, LOCK_FUTEX, 1);
                }
                return;
            }
        }
    }

    /** Releases every hold for a condition wait; returns the hold count to restore. */
    int releaseForWait() {
        if (!isHeldByCurrentThread()) {
            throw new IpcException(IpcError.NOT_OWNER, "waiting on a condition needs " + object.displayName()
                    + " held by this thread");
        }
        int holds = region.getIntVolatile(HOLD_COUNT);
        releaseLock(myWord());
        return holds;
    }

    /**
     * Takes the lock back after a condition wait, whatever the deadline and even if the wait was
     * interrupted (the interrupt flag is kept for the caller), with the old hold count; as POSIX,
     * a condition wait returns holding the mutex. Only closing the handle stops it.
     */
    LockResult relockAfterWait(int holds) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    LockResult r = lock(NO_DEADLINE, false);
                    region.putIntRelease(HOLD_COUNT, holds);
                    return r;
                } catch (IpcException e) {
                    if (e.error() != IpcError.INTERRUPTED) {
                        throw e;
                    }
                    interrupted = true;
                    Thread.interrupted();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Releases the lock if it was taken through this handle and is still held by its caller. */
    @Override
    void closing() {
        long held = heldWord;
        if (held != 0 && ownerWord() == held && region.getLongVolatile(OWNER_PROCESS) == callerId()) {
            if (robust()) {
                setFlag(FLAG_INCONSISTENT);
            }
            releaseLock(held);
        }
    }

    /** Lockers sleep on the lock's futex word. */
    @Override
    void wakeSleepers() {
        Futex.wake(region, LOCK_FUTEX, Integer.MAX_VALUE);
    }

    @Override
    public void markConsistent() {
        require(Rights.WRITE, "mark consistent");
        if (!isHeldByCurrentThread()) {
            throw new IpcException(IpcError.NOT_OWNER, object.displayName() + " is not held by this thread");
        }
        if (!robust() || (region.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) == 0) {
            throw IpcException.invalidArgument(object.displayName() + " is not a robust mutex left inconsistent");
        }
        while (true) {
            int f = region.getIntVolatile(FLAGS);
            if (region.compareAndSetInt(FLAGS, f, f & ~FLAG_INCONSISTENT)) {
                return;
            }
        }
    }

    @Override
    public boolean isConsistent() {
        return (region.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) == 0;
    }

    @Override
    public boolean isNotRecoverable() {
        return (region.getIntVolatile(FLAGS) & FLAG_NOT_RECOVERABLE) != 0;
    }

    @Override
    public int holdCount() {
        return isHeldByCurrentThread() ? region.getIntVolatile(HOLD_COUNT) : 0;
    }

    @Override
    public Optional<IpcProcess> owner() {
        long owner = ownerWord();
        if (owner == 0) {
            return Optional.empty();
        }
        long pid = liveness.processOf(ProcessLiveness.ownerId(owner));
        if (pid == ProcessHandle.current().pid() && region.getLongVolatile(OWNER_PROCESS) == callerId()) {
            return Optional.of(session.caller().process());
        }
        String user = ProcessHandle.of(pid).flatMap(p -> p.info().user()).orElse("unknown");
        return Optional.of(new IpcProcess(ProcessKind.OS_PROCESS, pid, "pid " + pid, pid, 0, user, Set.of()));
    }

    @Override
    public MutexOptions options() {
        return new MutexOptions(recursive(), robust());
    }
}
