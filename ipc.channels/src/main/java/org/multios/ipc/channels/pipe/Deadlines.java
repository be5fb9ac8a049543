package org.multios.ipc.channels.pipe;

import java.time.Duration;

import org.multios.ipc.IpcException;

/** Deadlines on {@link System#nanoTime()}: for now (no wait), for ever, or from a timeout. */
final class Deadlines {
    /** Never waits: one attempt. */
    static final long NOW = Long.MIN_VALUE;
    /** Waits without limit. */
    static final long FOREVER = Long.MAX_VALUE;

    private Deadlines() {
    }

    /**
     * The deadline of a timed operation: a zero or negative timeout makes one attempt, one too
     * long to represent waits without limit.
     *
     * @throws IpcException INVALID_ARGUMENT for a null timeout
     */
    static long of(Duration timeout, PipeEnd end) {
        if (timeout == null) {
            throw IpcException.invalidArgument(end.describe() + ": the timeout must not be null");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            return NOW;
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return FOREVER;
        }
        long now = System.nanoTime();
        return nanos > FOREVER - now ? FOREVER : now + nanos;
    }

    /** Nanoseconds left, 0 if the deadline has passed or is {@link #NOW}. */
    static long remaining(long deadline) {
        if (deadline == FOREVER) {
            return Long.MAX_VALUE;
        }
        if (deadline == NOW) {
            return 0;
        }
        return Math.max(0, deadline - System.nanoTime());
    }
}
