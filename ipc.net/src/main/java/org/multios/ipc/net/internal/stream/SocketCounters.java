package org.multios.ipc.net.internal.stream;

import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.Counter;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/**
 * The counters of one socket: frames and bytes sent ({@code *_OUT}) and received
 * ({@code *_IN}), frames received and not taken yet ({@code DEPTH}) and their high-water mark,
 * waits, timeouts, protocol errors and denials. One atomic add per update, no allocation.
 */
public final class SocketCounters {
    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);

    /** Counts one more of the counter. */
    public void increment(Counter counter) {
        values.getAndIncrement(counter.ordinal());
    }

    /** A frame of {@code bytes} was queued for sending. */
    void sent(int bytes) {
        values.getAndIncrement(Counter.MESSAGES_OUT.ordinal());
        values.getAndAdd(Counter.BYTES_OUT.ordinal(), bytes);
    }

    /** A frame of {@code bytes} arrived and waits to be taken. */
    void arrived(int bytes) {
        values.getAndIncrement(Counter.MESSAGES_IN.ordinal());
        values.getAndAdd(Counter.BYTES_IN.ordinal(), bytes);
        long depth = values.incrementAndGet(Counter.DEPTH.ordinal());
        int hwm = Counter.HIGH_WATER_MARK.ordinal();
        long seen = values.get(hwm);
        while (depth > seen && !values.compareAndSet(hwm, seen, depth)) {
            seen = values.get(hwm);
        }
    }

    /** A frame was taken by the application. */
    void received() {
        values.getAndDecrement(Counter.DEPTH.ordinal());
    }

    /** A snapshot. */
    public Statistics snapshot() {
        long[] c = new long[Counter.values().length];
        for (int i = 0; i < c.length; i++) {
            c[i] = values.get(i);
        }
        return Statistics.of(c, WaitTimes.NONE);
    }
}
