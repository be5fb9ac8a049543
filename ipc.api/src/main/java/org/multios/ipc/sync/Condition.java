package org.multios.ipc.sync;

import java.time.Duration;

import org.multios.ipc.IpcObject;
import org.multios.ipc.Waiting;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a condition variable ({@link org.multios.ipc.ObjectType#CONDITION}), used with
 * a {@link Mutex} that protects a predicate. Thread-safe.
 *
 * <pre>{@code
 * mutex.lock();
 * try {
 *     while (!ready()) {
 *         condition.await(mutex);   // may wake spuriously: always re-check the predicate
 *     }
 *     ...
 * } finally {
 *     mutex.unlock();
 * }
 * }</pre>
 *
 * <p>{@code await} atomically releases the mutex and waits; before it returns or throws (even
 * with TIMEOUT, INTERRUPTED or CLOSED of the condition) it reacquires the mutex, so the caller
 * always holds the mutex afterwards, except when reacquiring itself fails (NOT_RECOVERABLE,
 * or CLOSED of the mutex). <b>Spurious wake-ups</b> may happen: a return does not prove the
 * predicate true. All concurrent waiters on a condition must use the same mutex; a named
 * condition shared between processes needs a named mutex.
 *
 * <p>A condition variable keeps no state between signals (a signal with no waiter is lost),
 * so there is nothing to poll: it has the blocking and the timed forms of waiting only.
 * Waiting requires {@link org.multios.ipc.Rights#READ}; signalling requires
 * {@link org.multios.ipc.Rights#WRITE}.
 */
@ProviderType
public interface Condition extends IpcObject, Waiting {
    /**
     * Releases {@code mutex}, waits for a signal (or a spurious wake-up), and reacquires it.
     *
     * @param mutex a mutex the calling thread holds exactly once
     * @return how the mutex was reacquired: {@link LockResult#ACQUIRED}, or
     *         {@link LockResult#OWNER_DEAD} if its holder died meanwhile (see {@link Mutex})
     * @throws org.multios.ipc.IpcException NOT_OWNER if the calling thread does not hold the
     *         mutex; INVALID_ARGUMENT if it holds a recursive mutex more than once, or another
     *         waiter uses a different mutex; INTERRUPTED (the mutex is reacquired first);
     *         NOT_RECOVERABLE if the mutex became not recoverable while waiting; CLOSED if the
     *         condition or the mutex is closed; PERMISSION_DENIED without read right on the
     *         condition
     */
    LockResult await(Mutex mutex);

    /**
     * As {@link #await(Mutex)}, waiting at most {@code timeout}. When the time passes the
     * mutex is reacquired (which may itself wait for the mutex beyond the timeout) and TIMEOUT
     * is thrown, except that if reacquiring found the holder dead, {@link LockResult#OWNER_DEAD}
     * is returned instead so that the inconsistency is not missed.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if no signal came in time (the mutex is
     *         held again); INVALID_ARGUMENT for a negative timeout; otherwise as
     *         {@link #await(Mutex)}
     */
    LockResult await(Mutex mutex, Duration timeout);

    /**
     * Wakes one waiter, if any. Never blocks. The caller may but need not hold the mutex.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without write right
     */
    void signal();

    /**
     * Wakes every waiter. Never blocks.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without write right
     */
    void broadcast();

    /**
     * The number of threads sleeping in a wait now, in every process; a snapshot. A waiter still
     * idling within its {@link org.multios.ipc.WaitStrategy}'s budget (or spinning) is not
     * counted: it announces itself only when it sleeps.
     */
    int waiters();
}
