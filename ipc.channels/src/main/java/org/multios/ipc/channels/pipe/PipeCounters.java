package org.multios.ipc.channels.pipe;

import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/**
 * The counters of one pipe as seen from this JVM: bytes in and out, depth and its high-water
 * mark, waits, timeouts, errors, denials and open handles. Updating a counter is one atomic add,
 * with no allocation.
 */
final class PipeCounters {
    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);

    void add(Counter counter, long delta) {
        values.getAndAdd(counter.ordinal(), delta);
    }

    void increment(Counter counter) {
        values.getAndIncrement(counter.ordinal());
    }

    /** Bytes went in: the depth grows and the high-water mark follows it. */
    void wrote(int bytes) {
        values.getAndAdd(Counter.BYTES_IN.ordinal(), bytes);
        long depth = values.addAndGet(Counter.DEPTH.ordinal(), bytes);
        int hwm = Counter.HIGH_WATER_MARK.ordinal();
        long seen = values.get(hwm);
        while (depth > seen && !values.compareAndSet(hwm, seen, depth)) {
            seen = values.get(hwm);
        }
    }

    /** Bytes came out: the depth shrinks. */
    void read(int bytes) {
        values.getAndAdd(Counter.BYTES_OUT.ordinal(), bytes);
        values.getAndAdd(Counter.DEPTH.ordinal(), -bytes);
    }

    /** A snapshot; {@code depth} replaces the counted depth where the true one is known (a FIFO's). */
    Statistics snapshot(long depth) {
        long[] c = new long[Counter.values().length];
        for (int i = 0; i < c.length; i++) {
            c[i] = values.get(i);
        }
        if (depth >= 0) {
            c[Counter.DEPTH.ordinal()] = depth;
        }
        return Statistics.of(c, WaitTimes.NONE);
    }
}
