package org.multios.ipc.sync;

import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.IpcObject;
import org.multios.ipc.Waiting;
import org.multios.ipc.IpcProcess;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a mutex ({@link org.multios.ipc.ObjectType#MUTEX}): a lock owned by one thread
 * of one process at a time. Thread-safe. Locking requires {@link org.multios.ipc.Rights#WRITE}.
 *
 * <p><b>Ownership</b> is checked: only the owning thread may unlock (else NOT_OWNER). A
 * non-recursive mutex refuses a second lock by its owner with DEADLOCK (and
 * {@link #tryLock()} reports {@link LockResult#BUSY}); a recursive one counts the locks.
 *
 * <p><b>Owner death.</b> The owner dies when its thread ends, or when its process ends (an OS
 * process exits, a bundle stops or releases the service, a context is closed) while holding
 * the lock. The lock is then passed to the next locker:
 * <ul>
 * <li>for a {@link MutexOptions#robust() robust} mutex, with {@link LockResult#OWNER_DEAD}:
 * the caller owns the lock but the state it protects may be half-updated. It repairs the
 * state and calls {@link #markConsistent()}, then unlocks as usual. If it unlocks without
 * marking it consistent, the mutex becomes not recoverable: every later lock fails with
 * NOT_RECOVERABLE until it is unlinked and created again;</li>
 * <li>for a non-robust mutex, with {@link LockResult#ACQUIRED}, as if it had been unlocked.</li>
 * </ul>
 * Lock methods return the result rather than throw OWNER_DEAD, so a caller that ignores the
 * result still owns (and must unlock) the lock.
 *
 * <p>Statistics count acquisitions as {@link org.multios.ipc.Counter#MESSAGES_OUT} and
 * acquisitions that found the lock held as {@link org.multios.ipc.Counter#CONTENTION}.
 */
@ProviderType
public interface Mutex extends IpcObject, Waiting {
    /**
     * Locks, blocking while another thread holds the lock.
     *
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#OWNER_DEAD}; never BUSY
     * @throws org.multios.ipc.IpcException NOT_RECOVERABLE if the mutex was left inconsistent;
     *         DEADLOCK if the caller already holds a non-recursive mutex;
     *         LIMIT_EXCEEDED if a recursive mutex's lock count would overflow; INTERRUPTED;
     *         CLOSED; PERMISSION_DENIED without write right
     */
    LockResult lock();

    /**
     * Locks if the lock is free (or held by the caller and recursive); never blocks.
     *
     * @return {@link LockResult#ACQUIRED}, {@link LockResult#OWNER_DEAD}, or
     *         {@link LockResult#BUSY} if another thread holds it (or the caller holds it and
     *         it is not recursive)
     * @throws org.multios.ipc.IpcException NOT_RECOVERABLE; LIMIT_EXCEEDED on recursion
     *         overflow; CLOSED; PERMISSION_DENIED without write right
     */
    LockResult tryLock();

    /**
     * Locks, blocking at most {@code timeout} while another thread holds the lock.
     *
     * @return {@link LockResult#ACQUIRED} or {@link LockResult#OWNER_DEAD}; never BUSY
     * @throws org.multios.ipc.IpcException TIMEOUT if the lock stayed held until the time
     *         passed; INVALID_ARGUMENT for a negative timeout; DEADLOCK for a relock of a
     *         non-recursive mutex; NOT_RECOVERABLE; LIMIT_EXCEEDED on recursion overflow; INTERRUPTED;
     *         CLOSED; PERMISSION_DENIED without write right
     */
    LockResult lock(Duration timeout);

    /**
     * Unlocks once; a recursive mutex is released when its lock count drops to 0, waking one
     * waiter. Never blocks. If the mutex was acquired with {@link LockResult#OWNER_DEAD} and
     * {@link #markConsistent()} was not called, it becomes not recoverable and every waiter
     * wakes with NOT_RECOVERABLE.
     *
     * @throws org.multios.ipc.IpcException NOT_OWNER if the calling thread does not hold the
     *         lock; CLOSED
     */
    void unlock();

    /**
     * Declares the state protected by a robust mutex repaired after
     * {@link LockResult#OWNER_DEAD}, so that unlocking keeps the mutex usable. Never blocks.
     *
     * @throws org.multios.ipc.IpcException NOT_OWNER if the calling thread does not hold the
     *         lock; INVALID_ARGUMENT if the mutex is not robust or is not inconsistent; CLOSED
     */
    void markConsistent();

    /**
     * Whether the mutex is consistent: false between an {@link LockResult#OWNER_DEAD}
     * acquisition and {@link #markConsistent()}, and forever once it is not recoverable.
     */
    boolean isConsistent();

    /** Whether the mutex has become not recoverable. */
    boolean isNotRecoverable();

    /** Whether the calling thread holds the lock. */
    boolean isHeldByCurrentThread();

    /** The calling thread's lock count: 0 if it does not hold the lock, 1 or more if it does. */
    int holdCount();

    /** The process that holds the lock now, if any; a snapshot that may change at once. */
    Optional<IpcProcess> owner();

    /** The options the mutex was created with. */
    MutexOptions options();
}
