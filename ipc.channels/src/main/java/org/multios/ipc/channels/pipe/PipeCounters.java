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
 * counted: whoever asks for a snapshot knows it ({@link #snapshot}). An unnamed pipe counts its
 * bytes, high-water mark and waits on its sides instead (its ring's positions are the bytes in
 * and out; see {@link PipeSide}), so a transfer through it updates no counter here.
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

    /** A snapshot with the pipe's depth now ({@code depth} bytes). */
    Statistics snapshot(long depth) {
        return Statistics.of(values(depth), WaitTimes.NONE);
    }

    /**
     * A snapshot of a pipe that counts its bytes and waits itself (an unnamed pipe: its ring's
     * positions, and per side), with its depth now; {@code waits} adds to the WAITS cell.
     */
    Statistics snapshot(long depth, long bytesIn, long bytesOut, long highWater, long waits) {
        long[] c = values(depth);
        c[Counter.BYTES_IN.ordinal()] = bytesIn;
        c[Counter.BYTES_OUT.ordinal()] = bytesOut;
        c[Counter.HIGH_WATER_MARK.ordinal()] = highWater;
        c[Counter.WAITS.ordinal()] += waits;
        return Statistics.of(c, WaitTimes.NONE);
    }

    private long[] values(long depth) {
        long[] c = new long[Counter.values().length];
        for (Counter counter : Counter.values()) {
            c[counter.ordinal()] = values.get(cell(counter));
        }
        c[Counter.DEPTH.ordinal()] = depth;
        return c;
    }
}
