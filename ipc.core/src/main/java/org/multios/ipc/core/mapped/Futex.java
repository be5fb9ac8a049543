package org.multios.ipc.core.mapped;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.core.posix.LinuxSyscall;

import com.sun.jna.Memory;

/**
 * Blocking in the kernel on a 32-bit word of a mapped file, shared by every process that maps
 * it: Linux futexes (without the private flag, so waiters in other processes are woken too).
 * A waiter costs no CPU while it sleeps and wakes when another process or thread calls
 * {@link #wake}. Wake-ups may be spurious: callers re-check their condition in a loop.
 *
 * <p>A thread blocked in the kernel does not notice {@link Thread#interrupt()}: callers sleep
 * through a {@link SleeperWatch}, which wakes a sleeper once it is interrupted or its reason to
 * stop holds, and re-check interruption and closing after each sleep. Where
 * futexes are not available (not Linux, or an unknown processor) {@link #await} sleeps briefly
 * instead, so waits still end, with more latency.
 */
public final class Futex {
    /** Woken by {@link #wake} (or spuriously). */
    public static final int WOKEN = 0;
    /** The word no longer held the expected value, so the call did not sleep. */
    public static final int VALUE_CHANGED = 1;
    /** The timeout passed. */
    public static final int TIMED_OUT = 2;
    /** A signal interrupted the sleep. */
    public static final int INTERRUPTED = 3;

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;

    private Futex() {
    }

    /** The most words {@link #awaitAny} sleeps on at once (the kernel's limit). */
    public static final int MAX_WORDS = 128;

    private static final int FUTEX2_SIZE_U32 = 0x02;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int ENOSYS = 38;
    private static final int WAITV_ENTRY = 24;

    /** The system call numbers of futex and futex_waitv on this processor (-1 where unknown). */
    private static final class Syscall {
        static final long FUTEX = LinuxSyscall.number(202, 98);
        static final long FUTEX_WAITV = FUTEX < 0 ? -1 : 449;
        static final boolean LOADED = FUTEX >= 0 && LinuxSyscall.isBound();
        static final ThreadLocal<Memory> TIMESPEC = ThreadLocal.withInitial(() -> new Memory(16));
        static final ThreadLocal<Memory> WAITV = ThreadLocal.withInitial(() -> new Memory((long) MAX_WORDS * WAITV_ENTRY));
    }

    /** Whether waits block in the kernel here (else they sleep briefly and re-check). */
    public static boolean isSupported() {
        return Syscall.LOADED;
    }

    /**
     * Sleeps while the int at {@code offset} (4-byte aligned) equals {@code expected}, at most
     * {@code timeoutNanos}.
     *
     * @return {@link #WOKEN}, {@link #VALUE_CHANGED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     */
    public static int await(MappedRegion region, long offset, int expected, long timeoutNanos) {
        if (region.getIntVolatile(offset) != expected) {
            return VALUE_CHANGED;
        }
        if (timeoutNanos <= 0) {
            return TIMED_OUT;
        }
        if (!Syscall.LOADED) {
            LockSupport.parkNanos(Math.min(timeoutNanos, TimeUnit.MILLISECONDS.toNanos(1)));
            return region.getIntVolatile(offset) != expected ? VALUE_CHANGED : TIMED_OUT;
        }
        Memory timespec = Syscall.TIMESPEC.get();
        timespec.setLong(0, timeoutNanos / 1_000_000_000L);
        timespec.setLong(8, timeoutNanos % 1_000_000_000L);
        long r = LinuxSyscall.call(Syscall.FUTEX, region.address(offset), FUTEX_WAIT, expected,
                com.sun.jna.Pointer.nativeValue(timespec), 0, 0);
        if (r == 0) {
            return WOKEN;
        }
        return outcome(LinuxSyscall.errno());
    }

    /** What a failed wait's {@code errno} means. */
    private static int outcome(int errno) {
        return switch (errno) {
            case EAGAIN -> VALUE_CHANGED;
            case EINTR -> INTERRUPTED;
            default -> TIMED_OUT; // ETIMEDOUT, or anything else: the caller re-checks
        };
    }

    /**
     * Sleeps until any of several words no longer holds its expected value or is woken, at most
     * {@code timeoutNanos}: one sleep in the kernel for all of them (Linux 5.16's futex_waitv).
     * Where that call is missing it sleeps on the first word for at most a millisecond, so the
     * caller's re-check loop still notices the others, with more latency.
     *
     * @param regions   the regions of the words
     * @param offsets   the words' offsets, 4-byte aligned
     * @param expected  the value each word is expected to hold
     * @return {@link #WOKEN}, {@link #VALUE_CHANGED}, {@link #TIMED_OUT} or {@link #INTERRUPTED}
     */
    public static int awaitAny(MappedRegion[] regions, long[] offsets, int[] expected, long timeoutNanos) {
        int n = regions.length;
        if (n == 0 || n > MAX_WORDS || offsets.length != n || expected.length != n) {
            throw new IllegalArgumentException("1 to " + MAX_WORDS + " words, with as many offsets and values");
        }
        for (int i = 0; i < n; i++) {
            if (regions[i].getIntVolatile(offsets[i]) != expected[i]) {
                return VALUE_CHANGED;
            }
        }
        if (timeoutNanos <= 0) {
            return TIMED_OUT;
        }
        if (Syscall.LOADED) {
            Memory waiters = Syscall.WAITV.get();
            for (int i = 0; i < n; i++) {
                long at = (long) i * WAITV_ENTRY;
                waiters.setLong(at, expected[i] & 0xffff_ffffL);
                waiters.setLong(at + 8, regions[i].address(offsets[i]));
                waiters.setInt(at + 16, FUTEX2_SIZE_U32);
                waiters.setInt(at + 20, 0);
            }
            long deadline = System.nanoTime() + timeoutNanos;
            Memory timespec = Syscall.TIMESPEC.get();
            timespec.setLong(0, deadline / 1_000_000_000L);
            timespec.setLong(8, deadline % 1_000_000_000L);
            long r = LinuxSyscall.call(Syscall.FUTEX_WAITV, com.sun.jna.Pointer.nativeValue(waiters), n, 0,
                    com.sun.jna.Pointer.nativeValue(timespec), CLOCK_MONOTONIC, 0);
            if (r >= 0) {
                return WOKEN;
            }
            int errno = LinuxSyscall.errno();
            if (errno != ENOSYS) {
                return outcome(errno);
            }
        }
        return await(regions[0], offsets[0], expected[0], Math.min(timeoutNanos, TimeUnit.MILLISECONDS.toNanos(1)));
    }

    /**
     * Wakes up to {@code count} waiters on the int at {@code offset}, in any process.
     *
     * @return how many were woken (0 where futexes are not available: sleepers re-check anyway)
     */
    public static int wake(MappedRegion region, long offset, int count) {
        if (!Syscall.LOADED) {
            return 0;
        }
        long r = LinuxSyscall.call(Syscall.FUTEX, region.address(offset), FUTEX_WAKE, count, 0, 0, 0);
        return r < 0 ? 0 : (int) r;
    }
}
