package org.multios.ipc.spi;

/**
 * Recognises HotSpot's report of a fault in an access to mapped memory: an
 * {@code InternalError} "a fault occurred in (a recent) unsafe memory access operation", raised
 * when another process truncated a mapped object's file (SIGBUS). On Java 17 it may be thrown
 * after the call that faulted returned, at the thread's next call into the VM, anywhere in that
 * thread's code; so no handle's rule ({@link GuardedHandle#fault}) sees it.
 *
 * <p>The rule for every thread of ours that runs IPC operations in a loop: it catches
 * {@code InternalError} around each round; one this class recognises is logged and the loop goes
 * on (the handle whose mapping faulted faults again at its next operation, where its rule closes
 * it with CORRUPTED); any other is rethrown.
 */
public final class MappedAccessFaults {
    private static final String FAULT = "a fault occurred in ";
    private static final String UNSAFE_ACCESS = "unsafe memory access operation";

    private MappedAccessFaults() {
    }

    /** Whether {@code e} is HotSpot's report of a fault in an access to mapped memory (any mapping). */
    public static boolean isMappedAccessFault(Throwable e) {
        String message = e == null ? null : e.getMessage();
        return e != null && e.getClass() == InternalError.class && message != null && message.startsWith(FAULT)
                && message.contains(UNSAFE_ACCESS);
    }

    /**
     * {@code e} itself if it is a mapped-access fault, for the thread to log and go on; throws it
     * otherwise.
     */
    public static InternalError survivable(InternalError e) {
        if (!isMappedAccessFault(e)) {
            throw e;
        }
        return e;
    }
}
