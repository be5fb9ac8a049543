package org.multios.ipc.sync;

import org.osgi.annotation.versioning.ProviderType;

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
 */
@ProviderType
public record MutexOptions(boolean recursive, boolean robust) {
    /** Non-recursive and robust: the default. */
    public static final MutexOptions DEFAULT = new MutexOptions(false, true);

    /** A copy that is (or is not) recursive. */
    public MutexOptions withRecursive(boolean newRecursive) {
        return new MutexOptions(newRecursive, robust);
    }

    /** A copy that is (or is not) robust. */
    public MutexOptions withRobust(boolean newRobust) {
        return new MutexOptions(recursive, newRobust);
    }
}
