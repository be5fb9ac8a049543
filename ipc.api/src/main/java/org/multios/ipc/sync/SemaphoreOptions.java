package org.multios.ipc.sync;

import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;

/**
 * The initial and maximum value of a counting semaphore. Immutable.
 *
 * @param initial the value at creation, 0 to {@code max}
 * @param max     the largest value the semaphore may reach, 1 to {@link #MAX_VALUE}; a
 *                {@link Semaphore#release()} past it fails with LIMIT_EXCEEDED
 * @param waitStrategy how acquirers wait (null: the platform default); see
 *                {@link org.multios.ipc.WaitStrategy}
 * @param exclusive whether a create must make a new semaphore (ALREADY_EXISTS if the name is
 *                taken) instead of opening an existing one; see {@link SyncService}
 */
public record SemaphoreOptions(int initial, int max, WaitStrategy waitStrategy, boolean exclusive) {
    /** The largest maximum value (POSIX {@code SEM_VALUE_MAX} is at least 32767). */
    public static final int MAX_VALUE = Integer.MAX_VALUE;

    /**
     * Checks the values.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code max} is below 1 or {@code initial} is
     *         outside {@code 0..max}
     */
    public SemaphoreOptions {
        if (max < 1) {
            throw IpcException.invalidArgument("semaphore maximum value " + max + " must be at least 1");
        }
        if (initial < 0 || initial > max) {
            throw IpcException.invalidArgument("semaphore initial value " + initial + " is outside 0.." + max);
        }
    }

    /** Options that open an existing semaphore of the name, if there is one. */
    public SemaphoreOptions(int initial, int max, WaitStrategy waitStrategy) {
        this(initial, max, waitStrategy, false);
    }

    /** Options with the platform default wait strategy. */
    public SemaphoreOptions(int initial, int max) {
        this(initial, max, null);
    }

    /** A semaphore with the given initial value and no practical maximum ({@link #MAX_VALUE}). */
    public static SemaphoreOptions of(int initial) {
        return new SemaphoreOptions(initial, MAX_VALUE);
    }

    /** A binary semaphore (maximum 1), initially available or not. */
    public static SemaphoreOptions binary(boolean available) {
        return new SemaphoreOptions(available ? 1 : 0, 1);
    }

    /** A copy with another maximum. */
    public SemaphoreOptions withMax(int newMax) {
        return new SemaphoreOptions(initial, newMax, waitStrategy, exclusive);
    }

    /** A copy with another wait strategy (null: the platform default). */
    public SemaphoreOptions withWaitStrategy(WaitStrategy newWaitStrategy) {
        return new SemaphoreOptions(initial, max, newWaitStrategy, exclusive);
    }

    /** A copy whose create demands a new semaphore (or, with false, opens an existing one). */
    public SemaphoreOptions withExclusive(boolean newExclusive) {
        return new SemaphoreOptions(initial, max, waitStrategy, newExclusive);
    }
}
