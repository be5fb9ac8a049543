package org.multios.ipc.core.mapped;

import com.sun.jna.Native;

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

    /** The binding, registered (for this process) at first use. */
    private static final class Syscall {
        static final long MEMBARRIER = number();
        static final boolean READY = MEMBARRIER >= 0 && bind()
                && syscall(MEMBARRIER, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0
                && syscall(MEMBARRIER, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;

        static native long syscall(long number, long command, long flags, long cpu);

        private static long number() {
            if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                return -1;
            }
            return switch (System.getProperty("os.arch", "")) {
                case "amd64", "x86_64" -> 324;
                case "aarch64", "arm64" -> 283;
                default -> -1;
            };
        }

        private static boolean bind() {
            try {
                Native.register(Syscall.class, "c");
                return true;
            } catch (LinkageError e) { // JNA's own library missing too (NoClassDefFoundError): unsupported
                return false;
            }
        }
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
        long r = Syscall.syscall(Syscall.MEMBARRIER, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0);
        if (r != 0) {
            throw new IllegalStateException("membarrier failed: errno " + Native.getLastError());
        }
    }
}
