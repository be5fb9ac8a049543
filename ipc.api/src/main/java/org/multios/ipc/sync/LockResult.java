package org.multios.ipc.sync;


/**
 * The outcome of locking a {@link Mutex} (and of reacquiring it in
 * {@link Condition#await(Mutex)}). Returned rather than thrown so that the owner-dead case,
 * after which the caller does own the lock, cannot be mistaken for a failure.
 */
public enum LockResult {
    /** The caller owns the lock and the protected state is consistent. */
    ACQUIRED,
    /**
     * The caller owns the lock, but its previous owner died holding it (robust mutexes only):
     * the protected state may be inconsistent. The caller should repair it and call
     * {@link Mutex#markConsistent()} before unlocking; unlocking without doing so makes the
     * mutex {@link org.multios.ipc.IpcError#NOT_RECOVERABLE not recoverable}.
     */
    OWNER_DEAD,
    /** Only from {@link Mutex#tryLock()}: another thread holds the lock; nothing changed. */
    BUSY;

    /** Whether the caller now owns the lock ({@link #ACQUIRED} or {@link #OWNER_DEAD}). */
    public boolean isOwned() {
        return this != BUSY;
    }
}
