package org.multios.ipc;


/** The counters every IPC object keeps. A counter that does not apply to a kind stays 0. */
public enum Counter {
    /** Messages (or posts, signals) accepted by the object. */
    MESSAGES_IN,
    /** Messages (or successful waits) taken from the object. */
    MESSAGES_OUT,
    /** Bytes accepted (sent, written). */
    BYTES_IN,
    /** Bytes taken (received, read). */
    BYTES_OUT,
    /** Messages or bytes held now. */
    DEPTH,
    /** The largest depth seen. */
    HIGH_WATER_MARK,
    /** Operations that had to wait. */
    WAITS,
    /** Waits that ended with TIMEOUT. */
    TIMEOUTS,
    /** Operations that failed with any other error. */
    ERRORS,
    /** Operations refused for lack of rights. */
    DENIALS,
    /** Acquisitions that found the object held by another (locks, semaphores). */
    CONTENTION,
    /** Open handles and mappings. */
    HANDLES,
    /** Atomic operations on shared words (shared memory). */
    ATOMIC_OPERATIONS
}
