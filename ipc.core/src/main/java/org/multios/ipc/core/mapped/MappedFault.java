package org.multios.ipc.core.mapped;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.MappedAccessFaults;

/**
 * The one rule for a fault in an access through a mapping. When another process truncates an
 * object's file while this one maps it, the next access to a page past the new end raises SIGBUS;
 * HotSpot turns that into {@code java.lang.InternalError: a fault occurred in (a recent) unsafe
 * memory access operation} (Java 17 and 25), thrown not at the access but later: on Java 17 at the
 * thread's next call into the VM or native code, on Java 25 at its next safepoint poll. Accesses
 * in between run on, a faulting read returning garbage.
 *
 * <p>{@link #diagnose} tells such a fault of a given region from any other Error: only an
 * InternalError of exactly that kind, and only while the region's file is now shorter than the
 * mapping, becomes CORRUPTED: measured through its name, or, for a file without one (unnamed,
 * removed or replaced), by asking the kernel whether the mapping's end faults
 * ({@link MappedRegion#endFaults}); everything else (an unsafe fault in another mapping,
 * OutOfMemoryError, StackOverflowError) is not this region's and is rethrown by the caller. A
 * diagnosed region is {@link MappedRegion#detach() detached} at once, so no later access through
 * it faults again (it reads zeros), and the faults of accesses already made by this thread are
 * collected before the caller goes on.
 */
public final class MappedFault {
    /** Safepoint checks to pass to collect the faults of accesses made after the first. */
    private static final int SETTLE_CHECKS = 4;
    private static final Pass PASS = new Pass();

    private MappedFault() {
    }

    /**
     * Whether {@code e} is HotSpot's report of a fault in an access to mapped memory (any mapping):
     * {@link MappedAccessFaults#isMappedAccessFault}, the recogniser threads use for late faults.
     */
    public static boolean isMappedAccessFault(Throwable e) {
        return MappedAccessFaults.isMappedAccessFault(e);
    }

    /**
     * What {@code e} means for {@code region}, the mapping of {@code object}'s file.
     *
     * @param object how messages name the object or handle: {@code handle on queue 'jobs'}
     * @return CORRUPTED naming the object, its file and the sizes (the region detached), or null if
     *         {@code e} is not a mapped-access fault or the file still covers the whole mapping
     */
    public static IpcException diagnose(Throwable e, MappedRegion region, String object) {
        for (int late = 0;; late++) {
            try {
                return diagnoseOnce(e, region, object);
            } catch (InternalError again) {
                // a fault of an access made after the first, delivered in here: the same story
                if (!isMappedAccessFault(again) || late == SETTLE_CHECKS) {
                    throw again;
                }
            }
        }
    }

    private static IpcException diagnoseOnce(Throwable e, MappedRegion region, String object) {
        if (!isMappedAccessFault(e) || region == null || !region.isMapped()) {
            return null;
        }
        long size = region.fileSize();
        if (size >= region.length() || (size < 0 && !region.endFaults())) {
            return null;
        }
        String what;
        if (size >= 0) {
            what = "its file " + region.file() + " was truncated to " + size + " bytes while " + region.length()
                    + " bytes of it were mapped";
        } else {
            String file = size == MappedRegion.UNNAMED ? "its unnamed file" : "its file " + region.file()
                    + " (now removed or replaced)";
            what = file + " ends before the last page of the " + region.length() + " bytes mapped: it was truncated";
        }
        try {
            region.detach();
        } catch (IpcException cannotDetach) {
            e.addSuppressed(cannotDetach);
        }
        settle();
        return new IpcException(IpcError.CORRUPTED, object + ": " + what + " (by another process); the handle is"
                + " closed", e);
    }

    /**
     * For a waiter whose sleep in the kernel ended without a wake-up (its slice or deadline over,
     * the futex call failed): if {@code region}'s file was cut short under it
     * ({@link MappedRegion#cutShort}), throws HotSpot's report of a faulting mapped access now,
     * which the caller's {@code catch (Error)} hands to {@link #diagnose} as it would the late one.
     * A sleeper on a word another process truncated away cannot be woken (FUTEX_WAKE on it fails)
     * and its re-reads of the ring return garbage until HotSpot delivers their fault, which may
     * look like a value to sleep on again; this makes it meet the fault at the end of the slice.
     *
     * @throws InternalError a fault occurred in an unsafe memory access operation
     */
    public static void throwIfCutShort(MappedRegion region) {
        if (region != null && region.cutShort()) {
            throw new InternalError("a fault occurred in an unsafe memory access operation: the mapped file was"
                    + " truncated under a sleeping waiter");
        }
    }

    /**
     * The one rule after a sleep in the kernel on a word of {@code region} ({@link Futex}, through a
     * {@link SleeperWatch}): a sleep that ended unwoken ({@link Futex#TIMED_OUT}: its slice or
     * deadline over, or the futex call failed; {@link Futex#INTERRUPTED}) asks whether the file was
     * cut short ({@link #throwIfCutShort}); a wake-up or a changed value asks nothing (no system
     * call on the way to a message or a permit).
     *
     * @return {@code outcome}
     * @throws InternalError a fault occurred in an unsafe memory access operation
     */
    public static int afterSleep(int outcome, MappedRegion region) {
        if (outcome == Futex.TIMED_OUT || outcome == Futex.INTERRUPTED) {
            throwIfCutShort(region);
        }
        return outcome;
    }

    /**
     * Throws now a fault that an earlier access of this thread left pending, if any, when this runs
     * in the interpreter: throwing an exception there is a call into the VM, which delivers pending
     * faults. Compiled, the throw is a jump and delivers nothing (a fault then surfaces at the
     * thread's next call into the VM: RELIABILITY.md); so a probe that must deliver, as before a
     * read-modify-write, is written out in the same frame (see {@link MappedRegion}), not called.
     */
    public static void deliverPending() {
        try {
            throw PASS;
        } catch (Pass expected) {
            // nothing: the throw was the point
        }
    }

    /**
     * {@code result}, once a fault left pending by the operation that computed it has been thrown
     * ({@link #deliverPending}): the last line of an operation on a mapping, inside the
     * {@code try} whose {@code catch} hands faults to the handle's rule.
     */
    public static <T> T passed(T result) {
        deliverPending();
        return result;
    }

    /** {@link #passed(Object)} for an int. */
    public static int passed(int result) {
        deliverPending();
        return result;
    }

    /** {@link #passed(Object)} for a long. */
    public static long passed(long result) {
        deliverPending();
        return result;
    }

    /** {@link #passed(Object)} for a byte. */
    public static byte passed(byte result) {
        deliverPending();
        return result;
    }

    /** {@link #passed(Object)} for a boolean. */
    public static boolean passed(boolean result) {
        deliverPending();
        return result;
    }

    /** Collects the faults of accesses this thread made after the first one, so none escapes later. */
    private static void settle() {
        for (int i = 0; i < SETTLE_CHECKS; i++) {
            try {
                deliverPending();
                Thread.yield();
            } catch (InternalError late) {
                if (!isMappedAccessFault(late)) {
                    throw late;
                }
            }
        }
    }

    /** Thrown and caught by {@link #deliverPending}: no stack trace, no suppression, immutable. */
    private static final class Pass extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Pass() {
            super(null, null, false, false);
        }
    }
}
