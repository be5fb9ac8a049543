package org.multios.ipc.sync;

import java.time.Duration;

import org.multios.ipc.IpcObject;
import org.multios.ipc.Waiting;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a counting semaphore ({@link org.multios.ipc.ObjectType#SEMAPHORE}): a value
 * between 0 and {@link #maxValue()}, decremented by acquiring (waiting while it is 0) and
 * incremented by releasing. Waiters are woken in arrival order. Thread-safe.
 *
 * <p>Acquiring requires {@link org.multios.ipc.Rights#READ} (POSIX wait); releasing requires
 * {@link org.multios.ipc.Rights#WRITE} (POSIX post). A semaphore has no owner: any process
 * with the right may release it. Statistics count releases as
 * {@link org.multios.ipc.Counter#MESSAGES_IN}, acquisitions as
 * {@link org.multios.ipc.Counter#MESSAGES_OUT} and acquisitions that found the value 0 as
 * {@link org.multios.ipc.Counter#CONTENTION}.
 */
@ProviderType
public interface Semaphore extends IpcObject, Waiting {
    /**
     * Decrements the value, blocking while it is 0: the original specification's
     * {@code semaphore.wait(pid)}.
     *
     * @throws org.multios.ipc.IpcException INTERRUPTED if the thread is interrupted while
     *         waiting (the flag stays set); CLOSED if the handle is or gets closed;
     *         PERMISSION_DENIED without read right
     */
    void acquire();

    /**
     * Decrements the value if it is above 0; never blocks.
     *
     * @return {@code true} if decremented, {@code false} if the value was 0
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without read right
     */
    boolean tryAcquire();

    /**
     * Decrements the value, blocking at most {@code timeout} while it is 0: the original
     * specification's {@code semaphore.wait(pid, timeout)}. A zero timeout behaves like
     * {@link #tryAcquire()} but fails with TIMEOUT.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if the value stayed 0 until the time
     *         passed; INVALID_ARGUMENT for a negative timeout; INTERRUPTED; CLOSED;
     *         PERMISSION_DENIED without read right
     */
    void acquire(Duration timeout);

    /**
     * Increments the value, waking one waiter: the original specification's
     * {@code semaphore.post(pid)}. Never blocks.
     *
     * @throws org.multios.ipc.IpcException LIMIT_EXCEEDED if the value is already
     *         {@link #maxValue()} (it is not changed); CLOSED; PERMISSION_DENIED without write
     *         right
     */
    void release();

    /**
     * The current value, 0 to {@link #maxValue()}; a snapshot that may change at once.
     * Requires {@link org.multios.ipc.Rights#READ}.
     *
     * @throws org.multios.ipc.IpcException CLOSED; PERMISSION_DENIED without read right
     */
    int value();

    /** The largest value, fixed at creation. */
    int maxValue();
}
