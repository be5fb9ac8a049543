package org.multios.ipc;


/**
 * Access rights, as bits of an {@code int}. A handle carries the rights granted when it was
 * opened or created, and every operation tests one bit, so the check costs almost nothing.
 *
 * <ul>
 * <li>{@link #READ}: receive, read, wait, observe;</li>
 * <li>{@link #WRITE}: send, write, post, signal, lock;</li>
 * <li>{@link #ADMIN}: chmod, chown, unlink, resize.</li>
 * </ul>
 */
public final class Rights {
    /** No rights. */
    public static final int NONE = 0;
    /** Receive, read, wait. */
    public static final int READ = 1;
    /** Send, write, post, signal. */
    public static final int WRITE = 2;
    /** Change mode or owner, unlink, resize. */
    public static final int ADMIN = 4;
    /** Read and write. */
    public static final int READ_WRITE = READ | WRITE;
    /** Every right. */
    public static final int ALL = READ | WRITE | ADMIN;

    private Rights() {
    }

    /** Whether {@code granted} includes every bit of {@code required}. */
    public static boolean includes(int granted, int required) {
        return (granted & required) == required;
    }

    /** The rights as text: a combination of {@code r}, {@code w} and {@code a}, or {@code -}. */
    public static String toString(int rights) {
        if (rights == NONE) {
            return "-";
        }
        StringBuilder s = new StringBuilder(3);
        if ((rights & READ) != 0) {
            s.append('r');
        }
        if ((rights & WRITE) != 0) {
            s.append('w');
        }
        if ((rights & ADMIN) != 0) {
            s.append('a');
        }
        return s.toString();
    }

    /**
     * Parses rights written as by {@link #toString(int)}.
     *
     * @throws IpcException INVALID_ARGUMENT for any other character
     */
    public static int parse(String text) {
        if ("-".equals(text)) {
            return NONE;
        }
        int rights = NONE;
        for (char c : text.toCharArray()) {
            rights |= switch (c) {
                case 'r' -> READ;
                case 'w' -> WRITE;
                case 'a' -> ADMIN;
                default -> throw IpcException.invalidArgument("rights '" + text + "': expected r, w, a or -");
            };
        }
        return rights;
    }
}
