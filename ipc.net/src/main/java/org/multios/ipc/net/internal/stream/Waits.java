package org.multios.ipc.net.internal.stream;

import java.time.Duration;
import java.util.concurrent.locks.Condition;

import org.multios.ipc.IpcException;

/**
 * How long an operation may wait, as one long: {@link #FOREVER}, {@link #NEVER} (the
 * {@code try} forms) or a timeout in nanoseconds.
 */
public final class Waits {
    /** Wait as long as needed. */
    public static final long FOREVER = -1;
    /** Do not wait. */
    public static final long NEVER = 0;

    private Waits() {
    }

    /**
     * The timeout of a timed form in nanoseconds (at least 1: a zero timeout still tries once).
     *
     * @throws IpcException INVALID_ARGUMENT for a missing or negative timeout
     */
    public static long timeout(Duration timeout, String object) {
        if (timeout == null || timeout.isNegative()) {
            throw IpcException.invalidArgument(object + ": timeout " + timeout + " must be zero or more");
        }
        long nanos = timeout.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE / 2 : timeout.toNanos();
        return Math.max(1, nanos);
    }

    /** The deadline ({@link System#nanoTime()}) of a wait, or 0 for none. */
    static long deadline(long wait) {
        return wait > 0 ? System.nanoTime() + wait : 0;
    }

    /**
     * Waits on a condition (its lock held) until signalled or the deadline.
     *
     * @return false if the deadline had passed (nothing waited)
     * @throws IpcException INTERRUPTED (the flag stays set)
     */
    static boolean await(Condition condition, long wait, long deadline, String operation, String object) {
        Reactor.assertMayBlock(operation, object);
        try {
            if (wait == FOREVER) {
                condition.await();
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            condition.awaitNanos(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw IpcException.interrupted(operation, object);
        }
    }
}
