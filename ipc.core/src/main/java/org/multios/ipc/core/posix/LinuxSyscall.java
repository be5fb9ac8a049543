package org.multios.ipc.core.posix;

import java.util.Locale;

import com.sun.jna.Native;

/**
 * Linux system calls the C library has no wrapper for (futex, futex_waitv, membarrier), through
 * its {@code syscall} function, bound directly (JNA direct mapping: no boxing, no allocation).
 * Unused trailing arguments are passed as 0. Where the call numbers are unknown (not Linux, or
 * a processor other than x86-64 and ARM64) or JNA does not load, callers see
 * {@link #number} return -1 or {@link #isBound()} false and keep a degraded mode of their own.
 */
public final class LinuxSyscall {
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .contains("linux");

    private LinuxSyscall() {
    }

    /**
     * The number of a system call on this processor.
     *
     * @param x86_64  its number on x86-64
     * @param aarch64 its number on ARM64
     * @return that number, or -1 where not Linux or on another processor (32-bit processors pass
     *         longs and timespecs differently: not supported)
     */
    public static long number(long x86_64, long aarch64) {
        if (!LINUX) {
            return -1;
        }
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> x86_64;
            case "aarch64", "arm64" -> aarch64;
            default -> -1;
        };
    }

    /** Whether {@link #call} may be called: the binding loaded (asked once; never changes). */
    public static boolean isBound() {
        return Binding.BOUND;
    }

    /**
     * Calls system call {@code number} with six arguments.
     *
     * @return its result, -1 with {@link #errno()} set on failure
     * @throws UnsatisfiedLinkError if {@link #isBound()} is false
     */
    public static long call(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
        return Binding.syscall(number, a1, a2, a3, a4, a5, a6);
    }

    /** The {@code errno} of this thread's last failed {@link #call}. */
    public static int errno() {
        return Native.getLastError();
    }

    /** The binding, registered at first use. */
    private static final class Binding {
        static final boolean BOUND = LINUX && bind();

        static native long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

        private static boolean bind() {
            try {
                Native.register(Binding.class, "c");
                return true;
            } catch (LinkageError e) { // JNA's own library missing too (NoClassDefFoundError): degraded mode
                return false;
            }
        }
    }
}
