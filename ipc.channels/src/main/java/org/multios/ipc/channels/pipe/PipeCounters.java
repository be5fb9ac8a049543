package org.multios.ipc.channels.pipe;

import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/**
 * The counters of one pipe as seen from this JVM: bytes in and out, its high-water mark, waits,
 * timeouts, errors, denials and open handles. Updating a counter is one atomic add, with no
 * allocation. The bytes written are counted on cache lines of their own, and so are the bytes
 * read: a writer and a reader running on two cores never write a line the other writes (the
 * other counters change once per wait, failure or handle, not per transfer). The depth is not
 * counted: whoever asks for a snapshot knows it ({@link #snapshot}).
 *
 * <pre>
 *  cell (longs)  0: bytes in       (written by writers only)
 *               16: bytes out      (written by readers only)
 *               32: every other counter, by its ordinal
 * </pre>
 */
final class PipeCounters {
    /** Longs between the cells of the two sides: two cache lines, adjacent-line prefetch included. */
    private static final int STRIDE = 16;
    private static final int BYTES_IN = 0;
    private static final int BYTES_OUT = STRIDE;
    private static final int OTHERS = 2 * STRIDE;

    private final AtomicLongArray values = new AtomicLongArray(OTHERS + Counter.values().length);

    private static int cell(Counter counter) {
        switch (counter) {
            case BYTES_IN:
                return BYTES_IN;
            case BYTES_OUT:
                return BYTES_OUT;
            default:
                return OTHERS + counter.ordinal();
        }
    }

    void add(Counter counter, long delta) {
        values.getAndAdd(cell(counter), delta);
    }

    void increment(Counter counter) {
        values.getAndIncrement(cell(counter));
    }

    /** Bytes went in, leaving {@code depth} bytes in the pipe: the high-water mark follows it. */
    void wrote(int bytes, long depth) {
        values.getAndAdd(BYTES_IN, bytes);
        int hwm = cell(Counter.HIGH_WATER_MARK);
        long seen = values.get(hwm);
        while (depth > seen && !values.compareAndSet(hwm, seen, depth)) {
            seen = values.get(hwm);
        }
    }

    /** Bytes came out. */
    void read(int bytes) {
        values.getAndAdd(BYTES_OUT, bytes);
    }

    /** A snapshot with the pipe's depth now ({@code depth} bytes). */
    Statistics snapshot(long depth) {
        long[] c = new long[Counter.values().length];
        for (Counter counter : Counter.values()) {
            c[counter.ordinal()] = values.get(cell(counter));
        }
        c[Counter.DEPTH.ordinal()] = depth;
        return Statistics.of(c, WaitTimes.NONE);
    }
}
