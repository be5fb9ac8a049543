package org.multios.ipc;

import java.util.Locale;

/**
 * How a thread waits for a queue, channel, pipe, semaphore, mutex, condition or event: what it
 * does between finding nothing to take and sleeping in the kernel. Chosen per object when it is
 * made (its options; otherwise the platform default, PID {@code org.multios.ipc.wait}), kept in the
 * object's shared file so that every process uses it, and overridable per handle
 * ({@link Waiting#setWaitStrategy}). Immutable.
 *
 * <ul>
 * <li>{@link Kind#BLOCK}: sleep in the kernel at once. No CPU while waiting; every wake-up is a
 * kernel round trip (tens of microseconds on a busy machine).</li>
 * <li>{@link Kind#SPIN}: never sleep; poll with {@link Thread#onSpinWait()}. The lowest latency,
 * and a whole core per waiting thread for as long as it waits.</li>
 * <li>{@link Kind#BACKOFF}: spin a little, then {@link Thread#yield()}, then park for growing
 * pauses (1 µs doubling up to 1 ms) until the budget {@link #spinMicros()} is spent, then sleep
 * in the kernel (the shape of Aeron's BackoffIdleStrategy, ending in the kernel).</li>
 * <li>{@link Kind#ADAPTIVE} (the default): spin for the budget {@link #spinMicros()}, then
 * sleep in the kernel. A peer that answers within the budget costs no system call on either
 * side; an idle waiter costs nothing once the budget is spent.</li>
 * </ul>
 * A sender or poster pays a wake-up system call only when a waiter sleeps in the kernel.
 *
 * <p>Text form ({@link #toString()}, {@link #parse}): {@code block}, {@code spin},
 * {@code backoff}, {@code adaptive}, or {@code backoff:<µs>} / {@code adaptive:<µs>} with a
 * budget.
 */
public final class WaitStrategy {
    /** What a waiter does before it sleeps in the kernel. */
    public enum Kind {
        /** Sleep in the kernel at once. */
        BLOCK,
        /** Busy-spin, never sleep. */
        SPIN,
        /** Spin, yield, park with growing pauses for the budget, then sleep in the kernel. */
        BACKOFF,
        /** Spin for the budget, then sleep in the kernel. */
        ADAPTIVE
    }

    /** The budget of {@link #ADAPTIVE}: 50 microseconds. */
    public static final int DEFAULT_ADAPTIVE_MICROS = 50;
    /** The budget of {@link #BACKOFF}: 2 milliseconds. */
    public static final int DEFAULT_BACKOFF_MICROS = 2_000;
    /** The largest budget: one second (a waiter must sleep in the kernel some time). */
    public static final int MAX_SPIN_MICROS = 1_000_000;

    /** Sleep in the kernel at once. */
    public static final WaitStrategy BLOCK = new WaitStrategy(Kind.BLOCK, 0);
    /** Busy-spin, never sleep. */
    public static final WaitStrategy SPIN = new WaitStrategy(Kind.SPIN, 0);
    /** Backoff with {@value #DEFAULT_BACKOFF_MICROS} µs before the kernel. */
    public static final WaitStrategy BACKOFF = new WaitStrategy(Kind.BACKOFF, DEFAULT_BACKOFF_MICROS);
    /** Spin {@value #DEFAULT_ADAPTIVE_MICROS} µs, then sleep in the kernel: the default. */
    public static final WaitStrategy ADAPTIVE = new WaitStrategy(Kind.ADAPTIVE, DEFAULT_ADAPTIVE_MICROS);

    private final Kind kind;
    private final int spinMicros;

    private WaitStrategy(Kind kind, int spinMicros) {
        this.kind = kind;
        this.spinMicros = spinMicros;
    }

    /**
     * Spin for {@code spinMicros}, then sleep in the kernel.
     *
     * @throws IpcException INVALID_ARGUMENT if the budget is outside 0..{@value #MAX_SPIN_MICROS}
     */
    public static WaitStrategy adaptive(int spinMicros) {
        return of(Kind.ADAPTIVE, spinMicros);
    }

    /**
     * Spin, yield and park for {@code budgetMicros}, then sleep in the kernel.
     *
     * @throws IpcException INVALID_ARGUMENT if the budget is outside 0..{@value #MAX_SPIN_MICROS}
     */
    public static WaitStrategy backoff(int budgetMicros) {
        return of(Kind.BACKOFF, budgetMicros);
    }

    /**
     * A strategy of a kind; the budget counts for {@link Kind#BACKOFF} and {@link Kind#ADAPTIVE}
     * only.
     *
     * @throws IpcException INVALID_ARGUMENT if the kind is null or the budget is outside
     *                      0..{@value #MAX_SPIN_MICROS}
     */
    public static WaitStrategy of(Kind kind, int spinMicros) {
        if (kind == null) {
            throw IpcException.invalidArgument("wait strategy kind must not be null");
        }
        if (spinMicros < 0 || spinMicros > MAX_SPIN_MICROS) {
            throw IpcException.invalidArgument("wait strategy budget of " + spinMicros + " µs is outside 0.."
                    + MAX_SPIN_MICROS);
        }
        return switch (kind) {
            case BLOCK -> BLOCK;
            case SPIN -> SPIN;
            case BACKOFF, ADAPTIVE -> new WaitStrategy(kind, spinMicros);
        };
    }

    /**
     * Reads the text form: {@code block}, {@code spin}, {@code backoff[:µs]} or
     * {@code adaptive[:µs]}, in any case.
     *
     * @throws IpcException INVALID_ARGUMENT naming the text and the forms accepted
     */
    public static WaitStrategy parse(String text) {
        if (text == null) {
            throw IpcException.invalidArgument("wait strategy must not be null");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String name = colon < 0 ? t : t.substring(0, colon);
        Kind kind;
        try {
            kind = Kind.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw IpcException.invalidArgument("wait strategy '" + text
                    + "' is none of block, spin, backoff[:micros], adaptive[:micros]");
        }
        if (colon < 0) {
            return defaultOf(kind);
        }
        if (kind == Kind.BLOCK || kind == Kind.SPIN) {
            throw IpcException.invalidArgument("wait strategy '" + text + "': " + name + " takes no budget");
        }
        try {
            return of(kind, Integer.parseInt(t.substring(colon + 1).trim()));
        } catch (NumberFormatException e) {
            throw IpcException.invalidArgument("wait strategy '" + text + "' has a budget that is not a whole number "
                    + "of microseconds");
        }
    }

    /** The strategy of a kind with its default budget. */
    public static WaitStrategy defaultOf(Kind kind) {
        return switch (kind) {
            case BLOCK -> BLOCK;
            case SPIN -> SPIN;
            case BACKOFF -> BACKOFF;
            case ADAPTIVE -> ADAPTIVE;
        };
    }

    /** The kind. */
    public Kind kind() {
        return kind;
    }

    /** Microseconds a waiter spends before it sleeps in the kernel (0 for block and spin). */
    public int spinMicros() {
        return spinMicros;
    }

    /** Whether a waiter ever sleeps in the kernel (all but {@link Kind#SPIN}). */
    public boolean sleeps() {
        return kind != Kind.SPIN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WaitStrategy w && w.kind == kind && w.spinMicros == spinMicros;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + spinMicros;
    }

    /** The text form, as {@link #parse} reads it. */
    @Override
    public String toString() {
        String name = kind.name().toLowerCase(Locale.ROOT);
        return kind == Kind.BLOCK || kind == Kind.SPIN ? name : name + ":" + spinMicros;
    }
}
