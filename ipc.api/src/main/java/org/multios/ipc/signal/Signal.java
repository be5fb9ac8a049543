package org.multios.ipc.signal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.multios.ipc.IpcException;

/**
 * A signal number, with the numbering and default actions of Linux (signal(7)), which every
 * IPC process uses whatever the host: standard signals {@value #STANDARD_MIN} to
 * {@value #STANDARD_MAX} ({@link #HUP} = 1, {@link #INT} = 2, {@link #KILL} = 9,
 * {@link #USR1} = 10, {@link #USR2} = 12, {@link #TERM} = 15, ...) and real-time signals
 * {@link #RTMIN_NUMBER} to {@link #RTMAX_NUMBER} (32 and 33 are reserved by the C library and
 * are not signals here). Sending to an OS process on a host with another numbering maps the
 * signal by name.
 *
 * <p>Standard signals coalesce while pending (one sent while another of its number is pending
 * is lost; the first one's value is kept, as on Linux); real-time signals queue, each
 * delivered with its own value, in order of number then of sending. Immutable; equal when the numbers are equal.
 *
 * @param number the signal number: 1 to 31 or 34 to 64
 */
public record Signal(int number) {
    /** The first standard signal number. */
    public static final int STANDARD_MIN = 1;
    /** The last standard signal number. */
    public static final int STANDARD_MAX = 31;
    /** The first real-time signal number. */
    public static final int RTMIN_NUMBER = 34;
    /** The last real-time signal number. */
    public static final int RTMAX_NUMBER = 64;

    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};

    /** Hang-up; by convention, reload configuration. Default: terminate. */
    public static final Signal HUP = new Signal(1);
    /** Interrupt from the keyboard. Default: terminate. */
    public static final Signal INT = new Signal(2);
    /** Quit from the keyboard. Default: terminate. */
    public static final Signal QUIT = new Signal(3);
    /** Illegal instruction. Default: terminate. */
    public static final Signal ILL = new Signal(4);
    /** Trace or breakpoint trap. Default: terminate. */
    public static final Signal TRAP = new Signal(5);
    /** Abort. Default: terminate. */
    public static final Signal ABRT = new Signal(6);
    /** Bus error. Default: terminate. */
    public static final Signal BUS = new Signal(7);
    /** Arithmetic error. Default: terminate. */
    public static final Signal FPE = new Signal(8);
    /** Kill: cannot be handled, ignored or blocked. Default: terminate. */
    public static final Signal KILL = new Signal(9);
    /** User-defined signal 1. Default: terminate. */
    public static final Signal USR1 = new Signal(10);
    /** Invalid memory reference. Default: terminate. */
    public static final Signal SEGV = new Signal(11);
    /** User-defined signal 2. Default: terminate. */
    public static final Signal USR2 = new Signal(12);
    /** Write to a pipe with no reader. Default: terminate. */
    public static final Signal PIPE = new Signal(13);
    /** Timer. Default: terminate. */
    public static final Signal ALRM = new Signal(14);
    /** Termination request. Default: terminate (a bundle is stopped). */
    public static final Signal TERM = new Signal(15);
    /** Coprocessor stack fault. Default: terminate. */
    public static final Signal STKFLT = new Signal(16);
    /** Child stopped or ended. Default: ignore. */
    public static final Signal CHLD = new Signal(17);
    /** Continue if stopped. Default: ignore (IPC processes are never stopped). */
    public static final Signal CONT = new Signal(18);
    /** Stop: cannot be handled, ignored or blocked; IPC processes cannot be suspended, so it has no effect on them. */
    public static final Signal STOP = new Signal(19);
    /** Stop from the terminal. Default: ignore. */
    public static final Signal TSTP = new Signal(20);
    /** Terminal input for a background process. Default: ignore. */
    public static final Signal TTIN = new Signal(21);
    /** Terminal output for a background process. Default: ignore. */
    public static final Signal TTOU = new Signal(22);
    /** Urgent condition on a socket. Default: ignore. */
    public static final Signal URG = new Signal(23);
    /** CPU time limit exceeded. Default: terminate. */
    public static final Signal XCPU = new Signal(24);
    /** File size limit exceeded. Default: terminate. */
    public static final Signal XFSZ = new Signal(25);
    /** Virtual alarm clock. Default: terminate. */
    public static final Signal VTALRM = new Signal(26);
    /** Profiling timer expired. Default: terminate. */
    public static final Signal PROF = new Signal(27);
    /** Window resize. Default: ignore. */
    public static final Signal WINCH = new Signal(28);
    /** I/O now possible. Default: terminate. */
    public static final Signal IO = new Signal(29);
    /** Power failure. Default: terminate. */
    public static final Signal PWR = new Signal(30);
    /** Bad system call. Default: terminate. */
    public static final Signal SYS = new Signal(31);
    /** The first real-time signal. Default: terminate. */
    public static final Signal RTMIN = new Signal(RTMIN_NUMBER);
    /** The last real-time signal. Default: terminate. */
    public static final Signal RTMAX = new Signal(RTMAX_NUMBER);

    /**
     * Checks the number.
     *
     * @throws IpcException INVALID_ARGUMENT if the number is not 1..31 or 34..64
     */
    public Signal {
        if (!isValidNumber(number)) {
            throw IpcException.invalidArgument("signal number " + number + " is outside " + STANDARD_MIN + ".."
                    + STANDARD_MAX + " and " + RTMIN_NUMBER + ".." + RTMAX_NUMBER);
        }
    }

    /** Whether {@code number} is a signal number: 1 to 31 or 34 to 64. */
    public static boolean isValidNumber(int number) {
        return (number >= STANDARD_MIN && number <= STANDARD_MAX) || (number >= RTMIN_NUMBER && number <= RTMAX_NUMBER);
    }

    /**
     * The signal with the given number.
     *
     * @throws IpcException INVALID_ARGUMENT if the number is not 1..31 or 34..64
     */
    public static Signal of(int number) {
        return new Signal(number);
    }

    /**
     * The real-time signal {@code RTMIN + offset}.
     *
     * @param offset 0 to {@code RTMAX_NUMBER - RTMIN_NUMBER} (30)
     * @throws IpcException INVALID_ARGUMENT if the offset is out of that range
     */
    public static Signal realTime(int offset) {
        int max = RTMAX_NUMBER - RTMIN_NUMBER;
        if (offset < 0 || offset > max) {
            throw IpcException.invalidArgument("real-time signal offset " + offset + " is outside 0.." + max);
        }
        return new Signal(RTMIN_NUMBER + offset);
    }

    /**
     * Parses a signal as written to {@code kill}: a number ({@code 15}), a name with or
     * without the {@code SIG} prefix, in any case ({@code TERM}, {@code SIGTERM},
     * {@code term}), or a real-time name ({@code RTMIN}, {@code RTMIN+3}, {@code SIGRTMAX-2},
     * {@code RTMAX}).
     *
     * @throws IpcException INVALID_ARGUMENT naming the text if it is not a signal
     */
    public static Signal parse(String text) {
        if (text == null || text.isBlank()) {
            throw IpcException.invalidArgument("signal name is empty");
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && Character.isDigit(s.charAt(0))) {
            try {
                int n = Integer.parseInt(s);
                if (isValidNumber(n)) {
                    return new Signal(n);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw IpcException.invalidArgument("signal '" + text + "' is not a number in " + STANDARD_MIN + ".."
                    + STANDARD_MAX + " or " + RTMIN_NUMBER + ".." + RTMAX_NUMBER);
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        for (int i = STANDARD_MIN; i <= STANDARD_MAX; i++) {
            if (NAMES[i].equals(s)) {
                return new Signal(i);
            }
        }
        if (s.equals("POLL")) {
            return IO;
        }
        if (s.equals("IOT")) {
            return ABRT;
        }
        if (s.startsWith("RTMIN") || s.startsWith("RTMAX")) {
            int base = s.startsWith("RTMIN") ? RTMIN_NUMBER : RTMAX_NUMBER;
            String rest = s.substring(5);
            if (rest.isEmpty()) {
                return new Signal(base);
            }
            char sign = rest.charAt(0);
            String digits = rest.substring(1);
            boolean allowed = base == RTMIN_NUMBER ? sign == '+' : sign == '-';
            if (allowed && !digits.isEmpty() && digits.chars().allMatch(Character::isDigit) && digits.length() <= 2) {
                int offset = Integer.parseInt(digits);
                int n = base == RTMIN_NUMBER ? base + offset : base - offset;
                if (n >= RTMIN_NUMBER && n <= RTMAX_NUMBER) {
                    return new Signal(n);
                }
            }
            throw IpcException.invalidArgument("real-time signal '" + text + "' must be RTMIN+n or RTMAX-n with n in 0.."
                    + (RTMAX_NUMBER - RTMIN_NUMBER));
        }
        throw IpcException.invalidArgument("'" + text + "' is not a signal name or number");
    }

    /** Every signal: the standard ones, then the real-time ones, in number order. */
    public static List<Signal> all() {
        List<Signal> all = new ArrayList<>(STANDARD_MAX + RTMAX_NUMBER - RTMIN_NUMBER + 1);
        for (int i = STANDARD_MIN; i <= STANDARD_MAX; i++) {
            all.add(new Signal(i));
        }
        for (int i = RTMIN_NUMBER; i <= RTMAX_NUMBER; i++) {
            all.add(new Signal(i));
        }
        return List.copyOf(all);
    }

    /** Whether this is a real-time signal (queued, carries a value). */
    public boolean isRealTime() {
        return number >= RTMIN_NUMBER;
    }

    /** Whether this is a standard signal (coalesces while pending). */
    public boolean isStandard() {
        return number <= STANDARD_MAX;
    }

    /**
     * Whether a process may handle, ignore or block it: every signal but {@link #KILL} and
     * {@link #STOP}.
     */
    public boolean isCatchable() {
        return number != KILL.number && number != STOP.number;
    }

    /** What happens to an IPC process that neither handles nor ignores this signal. */
    public DefaultAction defaultAction() {
        return switch (number) {
            case 17, 18, 19, 20, 21, 22, 23, 28 -> DefaultAction.IGNORE;
            default -> DefaultAction.TERMINATE;
        };
    }

    /**
     * The name without the {@code SIG} prefix: {@code TERM}, {@code RTMIN}, {@code RTMIN+3},
     * {@code RTMAX}.
     */
    public String name() {
        if (isStandard()) {
            return NAMES[number];
        }
        if (number == RTMAX_NUMBER) {
            return "RTMAX";
        }
        return number == RTMIN_NUMBER ? "RTMIN" : "RTMIN+" + (number - RTMIN_NUMBER);
    }

    /** The name with the {@code SIG} prefix, as in C: {@code SIGTERM}, {@code SIGRTMIN+3}. */
    @Override
    public String toString() {
        return "SIG" + name();
    }
}
