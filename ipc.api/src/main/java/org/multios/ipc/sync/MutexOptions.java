package org.multios.ipc.sync;

import org.multios.ipc.WaitStrategy;

/**
 * How a {@link Mutex} behaves. Immutable.
 *
 * @param recursive whether the owning thread may lock it again (each lock needs its own
 *                  unlock); a non-recursive mutex refuses a second lock by its owner
 * @param robust    what happens when the owner dies holding it: if {@code true}, the next
 *                  locker gets it with {@link LockResult#OWNER_DEAD} and must repair the
 *                  protected state and call {@link Mutex#markConsistent()}; if {@code false},
 *                  the lock is simply released and the next locker gets
 *                  {@link LockResult#ACQUIRED} with no indication
 * @param waitStrategy how lockers wait (null: the platform default); see
 *                  {@link org.multios.ipc.WaitStrategy}
 * @param exclusive whether a create must make a new mutex (ALREADY_EXISTS if the name is
 *                  taken) instead of opening an existing one; see {@link SyncService}
 */
public record MutexOptions(boolean recursive, boolean robust, WaitStrategy waitStrategy, boolean exclusive) {
    /** Non-recursive and robust: the default. */
    public static final MutexOptions DEFAULT = new MutexOptions(false, true);

    /** Options that open an existing mutex of the name, if there is one. */
    public MutexOptions(boolean recursive, boolean robust, WaitStrategy waitStrategy) {
        this(recursive, robust, waitStrategy, false);
    }

    /** Options with the platform default wait strategy. */
    public MutexOptions(boolean recursive, boolean robust) {
        this(recursive, robust, null);
    }

    /** A copy that is (or is not) recursive. */
    public MutexOptions withRecursive(boolean newRecursive) {
        return new MutexOptions(newRecursive, robust, waitStrategy, exclusive);
    }

    /** A copy that is (or is not) robust. */
    public MutexOptions withRobust(boolean newRobust) {
        return new MutexOptions(recursive, newRobust, waitStrategy, exclusive);
    }

    /** A copy with another wait strategy (null: the platform default). */
    public MutexOptions withWaitStrategy(WaitStrategy newWaitStrategy) {
        return new MutexOptions(recursive, robust, newWaitStrategy, exclusive);
    }

    /** A copy whose create demands a new mutex (or, with false, opens an existing one). */
    public MutexOptions withExclusive(boolean newExclusive) {
        return new MutexOptions(recursive, robust, waitStrategy, newExclusive);
    }
}
