package org.multios.ipc.core.mapped;

import org.multios.ipc.core.posix.LinuxSyscall;

/**
 * An asymmetric memory fence: {@link #serialize()} makes every thread of this JVM pass through a
 * full memory fence before it returns (Linux's {@code membarrier}, private expedited), so that a
 * hot path can order its store before a later load with no fence instruction of its own, the
 * rare other side paying for both.
 *
 * <p>The handshake it serves: a thread T stores a marker, then loads a flag (without a fence
 * between, the processor may let the load pass the store); another thread R stores the flag,
 * calls {@link #serialize()}, then loads the marker. Whatever point of T's program the fence of
 * {@code serialize} lands on, T's load comes after it and sees R's flag, or T's store comes
 * before it and R sees the marker. The compiler must keep T's store before its load: HotSpot
 * does for an ordered (release or opaque) store of a {@link java.lang.invoke.VarHandle} followed
 * by a volatile load (it compiles such a store between two compiler barriers); a plain store has
 * no such promise.
 *
 * <p>Where the call is missing (not Linux, an unknown processor, a kernel before 4.14, or a
 * sandbox that refuses it) {@link #isSupported()} is false and callers keep a fence of their own.
 */
public final class ProcessFence {
    private static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
    private static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;

    private ProcessFence() {
    }

    /** The call's number, and whether this process registered for it (asked at first use). */
    private static final class Syscall {
        static final long MEMBARRIER = LinuxSyscall.number(324, 283);
        static final boolean READY = MEMBARRIER >= 0 && LinuxSyscall.isBound()
                && membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0
                && membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0;
    }

    private static long membarrier(int command) {
        return LinuxSyscall.call(Syscall.MEMBARRIER, command, 0, 0, 0, 0, 0);
    }

    /** Whether {@link #serialize()} works here (asked once; the answer never changes). */
    public static boolean isSupported() {
        return Syscall.READY;
    }

    /**
     * Makes every thread of this JVM pass through a full memory fence (a few microseconds: the
     * kernel interrupts each processor running one of them).
     *
     * @throws IllegalStateException if {@link #isSupported()} is false, or the kernel refused
     *                               (it accepted the same call at registration)
     */
    public static void serialize() {
        if (!Syscall.READY) {
            throw new IllegalStateException("no process-wide memory fence on this system");
        }
        long r = membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
        if (r != 0) {
            throw new IllegalStateException("membarrier failed: errno " + LinuxSyscall.errno());
        }
    }
}
