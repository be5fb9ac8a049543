package org.multios.ipc.core.posix;

import java.util.Locale;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.signal.Signal;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * Sends signals to operating-system processes with the C library's {@code kill} and
 * {@code sigqueue}. On Linux the platform's numbering is the host's, but for
 * real-time signals, which start at the C library's {@code SIGRTMIN} (34 with glibc, 35 with
 * musl). Elsewhere only the signals whose numbers POSIX fixes (HUP, INT, QUIT, ABRT, KILL,
 * ALRM, TERM) can be sent. Errors map to {@link IpcException}: {@code ESRCH} to NOT_FOUND,
 * {@code EPERM} to PERMISSION_DENIED, {@code EAGAIN} to LIMIT_EXCEEDED, {@code EINVAL} to
 * UNSUPPORTED.
 *
 * <p>{@code union sigval} is passed as a C {@code long}: on the little-endian LP64 and ILP32
 * hosts the gateways run on (x86-64, ARM), its {@code sival_int} is then the given value.
 */
public final class OsSignalSender {
    private static final int EPERM = 1;
    private static final int ESRCH = 3;
    private static final int EAGAIN = 11;
    private static final int EINVAL = 22;
    private static final Set<Integer> POSIX_FIXED = Set.of(1, 2, 3, 6, 9, 14, 15);

    private final boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    private volatile int[] realTimeRange;

    /**
     * Sends a signal with {@code kill}.
     *
     * @throws IpcException as described on the class
     */
    public void kill(long pid, Signal signal) {
        int p = checkPid(pid);
        LibC c = libc();
        int sig = hostNumber(signal, c);
        if (c.kill(p, sig) != 0) {
            throw failure(Native.getLastError(), "send " + signal + " to", pid, c);
        }
    }

    /**
     * Queues a real-time signal with a value with {@code sigqueue}.
     *
     * @throws IpcException as described on the class
     */
    public void queue(long pid, Signal signal, int value) {
        int p = checkPid(pid);
        if (!signal.isRealTime()) {
            throw IpcException.invalidArgument("only real-time signals carry a value: " + signal
                    + " cannot be queued to process " + pid);
        }
        LibC c = libc();
        int sig = hostNumber(signal, c);
        if (c.sigqueue(p, sig, new NativeLong(value)) != 0) {
            throw failure(Native.getLastError(), "queue " + signal + " to", pid, c);
        }
    }

    private static int checkPid(long pid) {
        if (pid < 1 || pid > Integer.MAX_VALUE) {
            throw IpcException.invalidArgument("process id " + pid + " is outside 1.." + Integer.MAX_VALUE
                    + " (process groups and broadcast are not supported)");
        }
        return (int) pid;
    }

    private int hostNumber(Signal signal, LibC c) {
        if (!linux) {
            if (POSIX_FIXED.contains(signal.number())) {
                return signal.number();
            }
            throw new IpcException(IpcError.UNSUPPORTED, signal + " has no known number on "
                    + System.getProperty("os.name") + "; only HUP, INT, QUIT, ABRT, KILL, ALRM and TERM can be sent");
        }
        if (signal.isStandard()) {
            return signal.number();
        }
        int[] range = realTimeRange(c);
        int host = range[0] + signal.number() - Signal.RTMIN_NUMBER;
        if (host > range[1]) {
            throw new IpcException(IpcError.UNSUPPORTED, signal + " is beyond this host's SIGRTMAX " + range[1]);
        }
        return host;
    }

    private int[] realTimeRange(LibC c) {
        int[] range = realTimeRange;
        if (range == null) {
            try {
                range = new int[] {c.__libc_current_sigrtmin(), c.__libc_current_sigrtmax()};
            } catch (UnsatisfiedLinkError notGlibc) {
                range = new int[] {Signal.RTMIN_NUMBER, Signal.RTMAX_NUMBER};
            }
            realTimeRange = range;
        }
        return range;
    }

    private static LibC libc() {
        try {
            return LibC.get();
        } catch (LinkageError e) {
            throw new IpcException(IpcError.UNSUPPORTED, "cannot send operating-system signals here: "
                    + e.getMessage(), e);
        }
    }

    private static IpcException failure(int errno, String operation, long pid, LibC c) {
        String what = operation + " process " + pid;
        return switch (errno) {
            case ESRCH -> new IpcException(IpcError.NOT_FOUND, "cannot " + what + ": no such process");
            case EPERM -> new IpcException(IpcError.PERMISSION_DENIED, "the operating system does not allow to "
                    + what);
            case EAGAIN -> new IpcException(IpcError.LIMIT_EXCEEDED, "cannot " + what
                    + ": its queue of real-time signals is full");
            case EINVAL -> new IpcException(IpcError.UNSUPPORTED, "cannot " + what + ": the host refuses the signal");
            default -> new IpcException(IpcError.IO_ERROR, "cannot " + what + ": " + c.strerror(errno));
        };
    }
}
