package org.multios.ipc.console.history;

import org.multios.ipc.Counter;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;

/**
 * The last {@code capacity} samples of one object's statistics, oldest overwritten first. Written
 * by the sampler only; read under the {@link ObjectHistory}'s lock.
 */
final class Track {
    /** What one sample keeps, in this order. */
    enum Field { TIME_MILLIS, MESSAGES_IN, MESSAGES_OUT, BYTES_IN, BYTES_OUT, DEPTH, HIGH_WATER_MARK, P50, P99, P999 }

    private static final int FIELDS = Field.values().length;

    final ObjectType type;
    final String name;
    private final long[] samples;
    private final int capacity;
    private long written;

    Track(ObjectType type, String name, int capacity) {
        this.type = type;
        this.name = name;
        this.capacity = capacity;
        this.samples = new long[capacity * FIELDS];
    }

    void add(long timeMillis, ObjectInfo info) {
        Statistics s = info.statistics();
        WaitTimes w = s.waitTimes();
        int at = (int) (written++ % capacity) * FIELDS;
        samples[at] = timeMillis;
        samples[at + Field.MESSAGES_IN.ordinal()] = s.get(Counter.MESSAGES_IN);
        samples[at + Field.MESSAGES_OUT.ordinal()] = s.get(Counter.MESSAGES_OUT);
        samples[at + Field.BYTES_IN.ordinal()] = s.get(Counter.BYTES_IN);
        samples[at + Field.BYTES_OUT.ordinal()] = s.get(Counter.BYTES_OUT);
        samples[at + Field.DEPTH.ordinal()] = s.get(Counter.DEPTH);
        samples[at + Field.HIGH_WATER_MARK.ordinal()] = s.get(Counter.HIGH_WATER_MARK);
        samples[at + Field.P50.ordinal()] = w.p50();
        samples[at + Field.P99.ordinal()] = w.p99();
        samples[at + Field.P999.ordinal()] = w.p999();
    }

    /** Samples held, at most the capacity. */
    int size() {
        return (int) Math.min(written, capacity);
    }

    /** A field of the i-th oldest sample held. */
    long get(int i, Field field) {
        long first = written - size();
        return samples[(int) ((first + i) % capacity) * FIELDS + field.ordinal()];
    }

    /** The change of a counter per second from sample i-1 to i (never negative: a re-created object restarts at 0). */
    double rate(int i, Field field) {
        long millis = get(i, Field.TIME_MILLIS) - get(i - 1, Field.TIME_MILLIS);
        return millis <= 0 ? 0 : Math.max(0, get(i, field) - get(i - 1, field)) * 1000.0 / millis;
    }
}
