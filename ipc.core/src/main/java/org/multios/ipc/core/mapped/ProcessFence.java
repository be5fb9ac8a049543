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
 * registered for it ({@link #isGlobalSupported()}, at its first use in each process) passes a full
 * fence, so that the handshake holds between processes sharing memory. Any process of any user
 * may call it, and so interrupt the processors running a registered process's threads as often as
 * it likes (it cannot make them see or lose anything); where that matters more than a fence on a
 * hot path, system property {@value #UNREGISTERED_PROPERTY} keeps a process from registering: its
 * own hot paths then keep their fence, and it still fences the processes that did register.
 *
 * <p>Where the call is missing (not Linux, an unknown processor, a kernel before 4.14, or 4.16
 * for the global call, or a sandbox that refuses it) {@link #isSupported()} or
 * {@link #isGlobalSupported()} is false and callers keep a fence of their own.
 */
public final class ProcessFence {
    /** System property: {@code true} keeps this process from registering for {@link #serializeAll()}. */
    public static final String UNREGISTERED_PROPERTY = "org.multios.ipc.fence.unregistered";
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

    /**
     * Whether this process registered for the call across processes, and whether it may make it
     * (asked at first use; a process need not register to call it).
     */
    private static final class Global {
        static final boolean READY = !Boolean.getBoolean(UNREGISTERED_PROPERTY)
                && registered(MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, MEMBARRIER_CMD_GLOBAL_EXPEDITED);
        static final boolean CALLABLE = READY
                || MEMBARRIER >= 0 && LinuxSyscall.isBound() && membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) == 0;
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
     * of this method), so that a call from any process fences this one's threads. The answer
     * never changes.
     */
    public static boolean isGlobalSupported() {
        return Global.READY;
    }

    /** Whether {@link #serializeAll()} works from this process, registered or not (never changes). */
    public static boolean canSerializeAll() {
        return Global.CALLABLE;
    }

    /**
     * Makes every thread of every process registered for it ({@link #isGlobalSupported()}) pass
     * through a full memory fence: about 2 µs, an interrupt to each processor running one of them.
     *
     * @return false if this process cannot make the call, or the kernel refused (nothing was fenced)
     */
    public static boolean serializeAll() {
        return Global.CALLABLE && membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED) == 0;
    }
}
