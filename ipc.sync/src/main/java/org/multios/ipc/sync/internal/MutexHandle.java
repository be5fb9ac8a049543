package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.core.step.StepGuard;
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
 *
 * <p>Uncontended, a lock is a step of the handle's {@link StepGuard} (release stores and volatile
 * reads, no atomic operation), one compare-and-set of the lock word from 0 to the caller's owner
 * word (computed once per thread and kept by the handle), one read of the flags and release
 * stores of the rest of the owner record on the lock word's own cache line; an unlock is one
 * compare-and-set back to 0 (after reading the owner process, and hold count and flags as one
 * long) and a wake-up only if the waiters bit is set. The robustness needs nothing more: the owner word that the compare-and-set writes is what
 * another process judges (see the package documentation).
 */
final class MutexHandle extends SyncHandle implements Mutex {
    /**
     * System property (test and diagnosis only): a locker pauses this many microseconds in each
     * window where an owner is being recorded or judged, so that a soak hits them. 0 or absent:
     * no pause (the hook is null and costs nothing).
     */
    static final String WINDOW_PAUSE_PROPERTY = "org.multios.ipc.mutex.windowPauseMicros";

    // steps at which a test hook is called
    /** The lock word was just set to this thread (inside its step); the rest of the owner record is not written yet. */
    static final int STEP_ACQUIRED = 1;
    /** A waiter read the owner word it is about to judge. */
    static final int STEP_OWNER_READ = 2;
    /** A waiter judged the owner word (and took over if it found it dead). */
    static final int STEP_OWNER_JUDGED = 3;

    private static final Hook PAUSE_HOOK = pauseHook(Long.getLong(WINDOW_PAUSE_PROPERTY, 0L));

    private static final VarHandle HELD_WORD;

    static {
        try {
            HELD_WORD = MethodHandles.lookup().findVarHandle(MutexHandle.class, "heldWord", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The owner word of one thread, kept so that its next lock need not compute it. */
    private record ThreadWord(Thread thread, long word) {
    }

    private final ProcessLiveness liveness = ProcessLiveness.system();
    private final long home;
    private final long callerId;
    /**
     * The owner word of the thread that locked or unlocked through this handle last (made at
     * construction so that its class is loaded while the bundle is: a handle used after its bundle
     * was uninstalled must fail with CLOSED, not with a class it cannot load).
     */
    private ThreadWord lastThread = new ThreadWord(null, 0);
    /**
     * The owner word this handle locked with while a thread holds the lock through it, else 0;
     * written with release stores by the owner (inside the step that took the lock), read by
     * {@link #closing()} once the handle's steps drained.
     */
    @SuppressWarnings("unused") // through HELD_WORD
    private long heldWord;

    MutexHandle(SyncSession session, SyncObject object, Grant grant) {
        this(session, object, grant, new StepGuard());
    }

    /** A handle whose steps go through {@code guard} (tests choose its kind). */
    MutexHandle(SyncSession session, SyncObject object, Grant grant, StepGuard guard) {
        super(session, object, grant, guard);
        this.home = words.getLongVolatile(HOME_NAMESPACE);
        this.callerId = session.caller().process().id();
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
        return (words.getIntVolatile(WORD2) & OPTION_ROBUST) != 0;
    }

    private boolean recursive() {
        return (words.getIntVolatile(WORD2) & OPTION_RECURSIVE) != 0;
    }

    /** The owner word of the calling thread, without the waiters bit; UNSUPPORTED for a virtual thread. */
    private long myWord() {
        Thread t = Thread.currentThread();
        ThreadWord last = lastThread;
        if (last.thread() == t) {
            return last.word();
        }
        long word = liveness.currentThreadWord(home);
        lastThread = new ThreadWord(t, word);
        return word;
    }

    private long ownerWord() {
        return words.getLongVolatile(LOCK_WORD) & ~MUTEX_WAITERS_BIT;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        long owner = ownerWord();
        // only this thread can have written its own word, so the record read after it is its own;
        // a virtual thread has no word (myWord), so it never holds one
        return owner != 0 && !ProcessLiveness.isVirtual(Thread.currentThread()) && owner == myWord()
                && words.getLongVolatile(OWNER_PROCESS) == callerId;
    }

    @Override
    public LockResult lock() {
        try {
            LockResult r = lockIfFree();
            return MappedFault.passed(r != null ? r : lock(NO_DEADLINE, false, 1));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public LockResult lock(Duration timeout) {
        try {
            long deadline = deadline(timeout, object.displayName());
            LockResult r = lockIfFree();
            return MappedFault.passed(r != null ? r : lock(deadline, false, 1));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public LockResult tryLock() {
        try {
            LockResult r = lockIfFree();
            return MappedFault.passed(r != null ? r : lock(System.nanoTime(), true, 1));
        } catch (Error e) {
            throw fault(e);
        }
    }

    /**
     * The uncontended path: takes the lock if its word is 0.
     *
     * @return ACQUIRED, or OWNER_DEAD while the mutex is inconsistent; null if the lock was not
     *         free (held by this thread or another): the general path decides
     * @throws IpcException NOT_RECOVERABLE (the lock is given back), CLOSED, PERMISSION_DENIED
     */
    private LockResult lockIfFree() {
        int token = enter(Rights.WRITE, "lock"); // first: a closed handle fails with CLOSED before anything else
        long me;
        int flags;
        try {
            me = myWord();
            if (!words.compareAndSetLong(LOCK_WORD, 0, me)) {
                return null;
            }
            flags = words.getIntVolatile(FLAGS);
            recordOwner(me, 1, false, flags, token);
        } finally {
            exit(token);
        }
        return settle(me, false, flags);
    }

    /** The general path, taking the lock with {@code holds} holds (a relock after a condition wait: the old count). */
    private LockResult lock(long deadline, boolean once, int holds) {
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
            int held = words.getIntVolatile(HOLD_COUNT);
            if (held == Integer.MAX_VALUE) {
                throw new IpcException(IpcError.LIMIT_EXCEEDED, object.displayName() + ": lock count would overflow");
            }
            words.putIntRelease(HOLD_COUNT, held + 1);
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
        DeadOwnerWatch deadOwner = null;
        try {
            while (true) {
                recheck("lock");
                long w = words.getLongVolatile(LOCK_WORD);
                if (w == 0) {
                    // after sleeping, others may still sleep: keep their bit so that unlock wakes one
                    if (claim(0, me, slept ? MUTEX_WAITERS_BIT : 0, holds, false)) {
                        owner = true;
                        if (idlePasses > 0) {
                            spinPaidOff(strategy);
                        } else if (slept) {
                            sleptThenGotThrough(strategy, start);
                        }
                        return settle(me, false, words.getIntVolatile(FLAGS));
                    }
                    continue;
                }
                if (waited && System.nanoTime() - nextLivenessCheck >= 0) {
                    nextLivenessCheck = System.nanoTime() + SleeperWatch.CHECK_NANOS;
                    step(STEP_OWNER_READ);
                    // the takeover replaces exactly the owner judged dead, or nothing
                    boolean robust = robust();
                    boolean tookOver = liveness.isOwnerDead(w, home)
                            && claim(w, me, w & MUTEX_WAITERS_BIT, holds, robust);
                    step(STEP_OWNER_JUDGED);
                    if (tookOver) {
                        owner = true;
                        return settle(me, robust, words.getIntVolatile(FLAGS));
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
                        // idling, the owner's liveness is checked as often as the watch checks sleepers'
                        idlePasses = 0;
                        nextLivenessCheck = start + SleeperWatch.CHECK_NANOS;
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
                if (w != sleeping && !words.compareAndSetLong(LOCK_WORD, w, sleeping)) {
                    continue;
                }
                slept = true;
                if (deadOwner == null) {
                    deadOwner = new DeadOwnerWatch();
                }
                if (!sleep(LOCK_FUTEX, (int) sleeping, deadline, "lock", deadOwner)) {
                    object.count(TIMEOUTS, 1);
                    throw IpcException.timeout("lock", object.displayName());
                }
                if (deadOwner.found) {
                    deadOwner.found = false;
                    nextLivenessCheck = System.nanoTime(); // judge it now, as a locker must
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

    /**
     * What the {@link SleeperWatch} asks about a sleeping locker at each of its checks: the
     * handle's reasons to stop, and whether the lock's owner is dead for certain, so that a dead
     * holder is noticed within one check of the watch while the lockers sleep. The locker, woken,
     * judges the owner itself and takes over (the watch only wakes).
     */
    private final class DeadOwnerWatch implements BooleanSupplier {
        volatile boolean found;

        @Override
        public boolean getAsBoolean() {
            if (mustStop()) {
                return true;
            }
            long w = MappedFault.passed(words.getLongVolatile(LOCK_WORD)); // a fault surfaces here, not later
            if (w != 0 && liveness.isOwnerDead(w, home)) {
                found = true;
            }
            return found;
        }
    }

    /**
     * Swaps the lock word from {@code expected} to {@code me} (with {@code waitersBit}), records
     * the owner and counts it, inside a step of the handle.
     */
    private boolean claim(long expected, long me, long waitersBit, int holds, boolean ownerDied) {
        int token = enter(Rights.WRITE, "lock");
        try {
            if (!words.compareAndSetLong(LOCK_WORD, expected, me | waitersBit)) {
                return false;
            }
            recordOwner(me, holds, ownerDied, words.getIntVolatile(FLAGS), token);
            return true;
        } finally {
            exit(token);
        }
    }

    /**
     * Called by a sleeper that leaves without the lock (revoked, closed, interrupted, timed out),
     * since the wake-up it got from an unlock may have been the only one: wakes one more sleeper
     * if the lock is free, or else makes sure the owner's unlock wakes one.
     */
    private void passOn() {
        while (true) {
            long w = words.getLongVolatile(LOCK_WORD);
            if (w == 0) {
                Futex.wake(region, LOCK_FUTEX, 1);
                return;
            }
            if ((w & MUTEX_WAITERS_BIT) != 0 || words.compareAndSetLong(LOCK_WORD, w, w | MUTEX_WAITERS_BIT)) {
                return;
            }
        }
    }

    /**
     * Writes the rest of the owner record after the lock word was set to {@code me}, inside the
     * step that set it (so that a close, which drains the steps, finds the lock held through this
     * handle and gives it back, and no record is written after it did), and counts the
     * acquisition unless {@link #settle} will give it back.
     *
     * @param flags the flags read after the lock word was set (only the owner changes them while
     *              it holds the lock)
     */
    private void recordOwner(long me, int holds, boolean ownerDied, int flags, int token) {
        step(STEP_ACQUIRED);
        HELD_WORD.setRelease(this, me);
        words.putLongRelease(OWNER_PROCESS, callerId);
        words.putIntRelease(HOLD_COUNT, holds);
        if ((flags & FLAG_NOT_RECOVERABLE) == 0) {
            if (ownerDied) {
                setFlag(FLAG_INCONSISTENT);
            }
            count(ACQUIRED, token);
        }
    }

    /** After the step that took the lock: gives it back and fails if the mutex is not recoverable. */
    private LockResult settle(long me, boolean ownerDied, int flags) {
        if ((flags & FLAG_NOT_RECOVERABLE) != 0) {
            releaseLock(me);
            checkRecoverable();
        }
        if (ownerDied) {
            return LockResult.OWNER_DEAD;
        }
        return (flags & FLAG_INCONSISTENT) != 0 ? LockResult.OWNER_DEAD : LockResult.ACQUIRED;
    }

    private void checkRecoverable() {
        if ((words.getIntVolatile(FLAGS) & FLAG_NOT_RECOVERABLE) != 0) {
            throw new IpcException(IpcError.NOT_RECOVERABLE, object.displayName()
                    + " was left inconsistent by an owner that died and can no longer be locked");
        }
    }

    private void setFlag(int flag) {
        while (true) {
            int f = words.getIntVolatile(FLAGS);
            if ((f & flag) == flag || words.compareAndSetInt(FLAGS, f, f | flag)) {
                return;
            }
        }
    }

    @Override
    public void unlock() {
        try {
            require(Rights.WRITE, "unlock");
            long me = myWord();
            long w = words.getLongVolatile(LOCK_WORD);
            if (w == me && words.getLongVolatile(OWNER_PROCESS) == callerId
                    && words.getLongVolatile(HOLD_COUNT) == HELD_ONCE_NO_FLAGS) {
                // the uncontended path: held once by this thread, no waiters bit, no flag
                HELD_WORD.setRelease(this, 0L);
                if (words.compareAndSetLong(LOCK_WORD, me, 0)) {
                    return;
                }
            }
            if (!isHeldByCurrentThread()) {
                throw new IpcException(IpcError.NOT_OWNER, object.displayName() + " is not held by this thread of "
                        + caller());
            }
            int holds = words.getIntVolatile(HOLD_COUNT);
            if (holds > 1) {
                words.putIntRelease(HOLD_COUNT, holds - 1);
                return;
            }
            if ((words.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) != 0) {
                setFlag(FLAG_NOT_RECOVERABLE);
            }
            releaseLock(myWord());
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    /**
     * Frees the lock if {@code word} still owns it, and wakes one sleeper. The rest of the owner
     * record stays: it means something only beside its owner word, and the next owner rewrites it.
     */
    private void releaseLock(long word) {
        HELD_WORD.setRelease(this, 0L);
        while (true) {
            long w = words.getLongVolatile(LOCK_WORD);
            if ((w & ~MUTEX_WAITERS_BIT) != word) {
                return;
            }
            if (words.compareAndSetLong(LOCK_WORD, w, 0)) {
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
        int holds = words.getIntVolatile(HOLD_COUNT);
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
                    return lock(NO_DEADLINE, false, holds);
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
        long held = (long) HELD_WORD.getAcquire(this);
        if (held != 0 && ownerWord() == held && words.getLongVolatile(OWNER_PROCESS) == callerId) {
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
        try {
            require(Rights.WRITE, "mark consistent");
            if (!isHeldByCurrentThread()) {
                throw new IpcException(IpcError.NOT_OWNER, object.displayName() + " is not held by this thread");
            }
            if (!robust() || (words.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) == 0) {
                throw IpcException.invalidArgument(object.displayName() + " is not a robust mutex left inconsistent");
            }
            while (true) {
                int f = words.getIntVolatile(FLAGS);
                if (words.compareAndSetInt(FLAGS, f, f & ~FLAG_INCONSISTENT)) {
                    return;
                }
            }
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean isConsistent() {
        try {
            return MappedFault.passed((words.getIntVolatile(FLAGS) & FLAG_INCONSISTENT) == 0);
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean isNotRecoverable() {
        try {
            return MappedFault.passed((words.getIntVolatile(FLAGS) & FLAG_NOT_RECOVERABLE) != 0);
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public int holdCount() {
        return isHeldByCurrentThread() ? words.getIntVolatile(HOLD_COUNT) : 0;
    }

    @Override
    public Optional<IpcProcess> owner() {
        try {
            long owner = ownerWord();
            if (owner == 0) {
                return MappedFault.passed(Optional.empty());
            }
            long pid = liveness.processOf(ProcessLiveness.ownerId(owner));
            if (pid == ProcessHandle.current().pid() && words.getLongVolatile(OWNER_PROCESS) == callerId) {
                return MappedFault.passed(Optional.of(session.caller().process()));
            }
            String user = ProcessHandle.of(pid).flatMap(p -> p.info().user()).orElse("unknown");
            return MappedFault.passed(Optional.of(new IpcProcess(ProcessKind.OS_PROCESS, pid, "pid " + pid, pid, 0, user, Set.of())));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public MutexOptions options() {
        return new MutexOptions(recursive(), robust());
    }
}
