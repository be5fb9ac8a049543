package org.multios.ipc.core.mapped;

import java.time.Duration;

import org.multios.ipc.IpcException;

/**
 * The one timeout rule of the waiting operations of queues, channels, pipes and synchronization
 * objects (documented on {@code MessagePort} and the pipe package): a deadline on
 * {@link System#nanoTime()} from a timeout that is zero (one attempt) or positive; null or
 * negative is INVALID_ARGUMENT; one too long to represent waits without limit.
 */
public final class Deadlines {
    /** The deadline of a wait without limit. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;
    /** The deadline of a single attempt that does not wait (the try forms): always passed. */
    public static final long NOW = Long.MIN_VALUE;

    private Deadlines() {
    }

    /**
     * The deadline of a timed operation on {@code what}: {@link #after} {@link #nanos}.
     *
     * @throws IpcException INVALID_ARGUMENT for a null or negative timeout, naming {@code what}
     */
    public static long of(Duration timeout, String what) {
        return after(nanos(timeout, what));
    }

    /**
     * A timed operation's timeout in nanoseconds, {@link #NO_DEADLINE} for one too long to
     * represent: for an operation that reads the clock only once it has to wait ({@link #after}).
     *
     * @throws IpcException INVALID_ARGUMENT for a null or negative timeout, naming {@code what}
     */
    public static long nanos(Duration timeout, String what) {
        if (timeout == null || timeout.isNegative()) {
            throw IpcException.invalidArgument(what + ": timeout " + timeout + " must be zero or positive");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException longerThanCenturies) {
            return NO_DEADLINE;
        }
    }

    /** The deadline {@code nanos} ({@link #nanos}) from now; {@link #NO_DEADLINE} stays without limit. */
    public static long after(long nanos) {
        if (nanos == NO_DEADLINE) {
            return NO_DEADLINE;
        }
        long now = System.nanoTime();
        return nanos > NO_DEADLINE - now ? NO_DEADLINE : now + nanos;
    }

    /** Nanoseconds left until a deadline: 0 once it has passed or for {@link #NOW}. */
    public static long remaining(long deadline) {
        if (deadline == NO_DEADLINE) {
            return Long.MAX_VALUE;
        }
        if (deadline == NOW) {
            return 0;
        }
        return Math.max(0, deadline - System.nanoTime());
    }
}
