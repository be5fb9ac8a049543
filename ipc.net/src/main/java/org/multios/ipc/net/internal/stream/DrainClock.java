package org.multios.ipc.net.internal.stream;

import java.util.concurrent.TimeUnit;

/**
 * The output-stall rule of a connection: a peer makes progress only by taking everything that
 * waited for it. When bytes begin to wait the clock starts and notes how many wait (queued and
 * not yet written); it starts again, noting what waits then, only once the socket has taken that
 * many bytes more. A peer that has not taken, within the output-stall timeout, all that waited
 * for it when the clock started is dropped. So every reply is taken whole within twice the
 * timeout of being queued, and a peer with a backlog of the whole output budget must take it
 * within the timeout (256 KiB in 30 s by default); a byte now and then, which used to keep a
 * connection and its queued replies until the idle timeout, is no progress. A peer that is sent
 * little, or takes what it is sent, never meets the rule.
 *
 * <p>Not thread-safe: guarded by its {@link OutputQueue}'s lock.
 */
final class DrainClock {
    private long startedAt = System.nanoTime();
    /** Bytes the socket ever took. */
    private long taken;
    /** {@link #taken} when the clock started, and what it must reach for it to start again. */
    private long takenAtStart;
    private long target;

    /** Bytes begin to wait where none did: the clock starts with {@code waiting} to be taken. */
    void begin(long waiting) {
        restart(waiting);
    }

    /**
     * The socket took {@code bytes}; {@code waiting} are left (queued and not yet written). The
     * clock starts again once all that waited at its start was taken.
     */
    void took(long bytes, long waiting) {
        taken += bytes;
        if (taken >= target) {
            restart(waiting);
        }
    }

    private void restart(long waiting) {
        startedAt = System.nanoTime();
        takenAtStart = taken;
        target = taken + waiting;
    }

    /**
     * Why the peer is stalled at {@code now}, or null if it is not.
     *
     * @param waiting bytes waiting for the peer now (0: nothing waits, no stall)
     */
    String stalled(long now, long stallNanos, long waiting) {
        if (waiting == 0) {
            return null;
        }
        if (taken >= target) {  // bytes wait that no start noted: they start it now
            restart(waiting);
            return null;
        }
        if (now - startedAt <= stallNanos) {
            return null;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(stallNanos);
        long took = taken - takenAtStart;
        if (took == 0) {
            return "the peer took no byte for " + millis + " ms while " + waiting + " bytes waited for it";
        }
        return "the peer took " + took + " of the " + (target - takenAtStart) + " bytes that waited for it "
                + millis + " ms before (" + waiting + " bytes wait now)";
    }
}
