package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.shm.mapped.Futex;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.LocalIdentity;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;

/**
 * A mutex on a shared page. The futex word holds the owning OS process's pid (bit 31 set when
 * others sleep), so another process can tell whether the owner still lives: when a robust
 * mutex's owner process is dead, the next locker takes the lock over and learns OWNER_DEAD.
 * Within one JVM the owning thread and IPC process are recorded beside it. A caller that goes
 * away holding the lock (its bundle stops) releases it, as owner-dead for a robust mutex.
 */
final class MutexHandle extends SyncHandle implements Mutex {
    private final int pid;
    private final long processStart;
    private volatile boolean holding;

    MutexHandle(SyncSession session, SyncObject object, Grant grant) {
        super(session, object, grant);
        IpcProcess self = session.caller().process();
        this.pid = (int) self.pid();
        this.processStart = self.startTimeMillis();
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

    @Override
    public boolean isHeldByCurrentThread() {
        return (region.getIntVolatile(STATE) & MUTEX_OWNER_MASK) == pid
                && region.getLongVolatile(OWNER_THREAD) == Thread.currentThread().getId()
                && region.getLongVolatile(OWNER_PROCESS) == callerId();
    }

    /** Whether this handle's caller holds the lock, from any thread. */
    private boolean heldByCaller() {
        return (region.getIntVolatile(STATE) & MUTEX_OWNER_MASK) == pid
                && region.getLongVolatile(OWNER_PROCESS) == callerId();
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
        long start = 0;
        long nextLivenessCheck = 0;
        boolean waited = false;
        try {
            while (true) {
                checkOpen();
                int s = region.getIntVolatile(STATE);
                if (s == 0) {
                    // after sleeping, others may still sleep: keep their bit so that unlock wakes one
                    if (region.compareAndSetInt(STATE, 0, waited ? pid | MUTEX_WAITERS_BIT : pid)) {
                        return becomeOwner(false);
                    }
                    continue;
                }
                if (waited && System.nanoTime() - nextLivenessCheck >= 0) {
                    nextLivenessCheck = System.nanoTime() + Futex.MAX_SLICE_NANOS;
                    if (ownerGone(s & MUTEX_OWNER_MASK)) {
                        if (region.compareAndSetInt(STATE, s, pid | (s & MUTEX_WAITERS_BIT))) {
                            return becomeOwner(robust());
                        }
                        continue;
                    }
                }
                if (once) {
                    return LockResult.BUSY;
                }
                if (!waited) {
                    waited = true;
                    start = System.nanoTime();
                    object.count(CONTENTION, 1);
                    object.count(WAITS, 1);
                }
                int sleeping = s | MUTEX_WAITERS_BIT;
                if (s != sleeping && !region.compareAndSetInt(STATE, s, sleeping)) {
                    continue;
                }
                if (!sleep(STATE, sleeping, deadline, "lock")) {
                    object.count(TIMEOUTS, 1);
                    throw IpcException.timeout("lock", object.displayName());
                }
                checkRecoverable();
            }
        } finally {
            if (waited) {
                object.recordWait(System.nanoTime() - start);
            }
        }
    }

    /**
     * Whether the owner went away without unlocking: its process is dead, or, in this JVM, the
     * thread that locked has ended. Checked at most once a slice, since it reads /proc.
     */
    private boolean ownerGone(int ownerPid) {
        if (ownerPid == pid) {
            long thread = region.getLongVolatile(OWNER_THREAD);
            return thread != 0 && region.getLongVolatile(OWNER_PID) == pid
                    && Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getId() == thread);
        }
        return ownerDead(ownerPid);
    }

    private boolean ownerDead(int ownerPid) {
        if (!LocalIdentity.isAlive(ownerPid, 0)) {
            return true;
        }
        boolean fieldsDescribeOwner = region.getLongVolatile(OWNER_PID) == ownerPid;
        long start = region.getLongVolatile(OWNER_START);
        return fieldsDescribeOwner && start != 0 && !LocalIdentity.isAlive(ownerPid, start);
    }

    private LockResult becomeOwner(boolean ownerDied) {
        if ((region.getIntVolatile(FLAGS) & FLAG_NOT_RECOVERABLE) != 0) {
            releaseLock();
            checkRecoverable();
        }
        holding = true;
        region.putLongRelease(OWNER_PID, pid);
        region.putLongRelease(OWNER_START, processStart);
        region.putLongRelease(OWNER_THREAD, Thread.currentThread().getId());
        region.putLongRelease(OWNER_PROCESS, callerId());
        region.putIntRelease(HOLD_COUNT, 1);
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
        releaseLock();
    }

    /** Gives the lock up whoever the holding thread is, and wakes one sleeper. */
    private void releaseLock() {
        holding = false;
        region.putLongRelease(OWNER_THREAD, 0);
        region.putLongRelease(OWNER_PROCESS, 0);
        region.putIntRelease(HOLD_COUNT, 0);
        int s = region.getAndSetInt(STATE, 0);
        if ((s & MUTEX_WAITERS_BIT) != 0) {
            Futex.wake(region, STATE, 1);
        }
    }

    /** Releases every hold for a condition wait; returns the hold count to restore. */
    int releaseForWait() {
        if (!isHeldByCurrentThread()) {
            throw new IpcException(IpcError.NOT_OWNER, "waiting on a condition needs " + object.displayName()
                    + " held by this thread");
        }
        int holds = region.getIntVolatile(HOLD_COUNT);
        releaseLock();
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
        if (holding && heldByCaller()) {
            if (robust()) {
                setFlag(FLAG_INCONSISTENT);
            }
            releaseLock();
        }
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
        int owner = region.getIntVolatile(STATE) & MUTEX_OWNER_MASK;
        if (owner == 0) {
            return Optional.empty();
        }
        if (owner == pid && region.getLongVolatile(OWNER_PROCESS) == callerId()) {
            return Optional.of(session.caller().process());
        }
        String user = ProcessHandle.of(owner).flatMap(p -> p.info().user()).orElse("unknown");
        return Optional.of(new IpcProcess(ProcessKind.OS_PROCESS, owner, "pid " + owner, owner,
                region.getLongVolatile(OWNER_START), user, Set.of()));
    }

    @Override
    public MutexOptions options() {
        return new MutexOptions(recursive(), robust());
    }
}
