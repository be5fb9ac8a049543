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
 * <p>{@link #serializeAll()} is the same across processes: every thread of every process that
 * asked for it ({@link #isGlobalSupported()}, at its first use in each process) passes a full
 * fence, so that the handshake holds between processes sharing memory.
 *
 * <p>Where the call is missing (not Linux, an unknown processor, a kernel before 4.14, or 4.16
 * for the global call, or a sandbox that refuses it) {@link #isSupported()} or
 * {@link #isGlobalSupported()} is false and callers keep a fence of their own.
 */
public final class ProcessFence {
    private static final int MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1;
    private static final int MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2;
    private static final int MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3;
    private static final int MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4;
    private static final long MEMBARRIER = LinuxSyscall.number(324, 283);

    private ProcessFence() {
    }

    /** Whether this process registered for the call within itself (asked at first use). */
    private static final class Syscall {
        static final boolean READY = registered(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED,
                MEMBARRIER_CMD_PRIVATE_EXPEDITED);
    }

    /** Whether this process registered for the call across processes (asked at first use). */
    private static final class Global {
        static final boolean READY = registered(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED,
                MEMBARRIER_CMD_GLOBAL_EXPEDITED);
    }

    private static boolean registered(int register, int command) {
        return MEMBARRIER >= 0 && LinuxSyscall.isBound() && membarrier(register) == 0 && membarrier(command) == 0;
    }

    private static long membarrier(int command) {
        return LinuxSyscall.call(MEMBARRIER, command, 0, 0, 0, 0, 0);
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

    /**
     * Whether this process takes part in {@link #serializeAll()}: registered (at the first call
     * of this method), so that a call from any registered process fences this one's threads, and
     * its own calls work. The answer never changes.
     */
    public static boolean isGlobalSupported() {
        return Global.READY;
    }

    /**
     * Makes every thread of every process registered for it ({@link #isGlobalSupported()}) pass
     * through a full memory fence: about 2 µs, an interrupt to each processor running one of them.
     *
     * @return false if this process is not registered, or the kernel refused (nothing was fenced)
     */
    public static boolean serializeAll() {
        return Global.READY && membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) == 0;
    }
}
