package org.multios.ipc;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;


/** A snapshot of an object's counters and wait times. Immutable. */
public final class Statistics {
    /** A snapshot with every counter 0. */
    public static final Statistics EMPTY = new Statistics(new long[Counter.values().length], WaitTimes.NONE);

    private final long[] counters;
    private final WaitTimes waitTimes;

    private Statistics(long[] counters, WaitTimes waitTimes) {
        this.counters = counters;
        this.waitTimes = waitTimes;
    }

    /**
     * A snapshot of the given counter values.
     *
     * @param counters  one value per {@link Counter}, indexed by ordinal
     * @param waitTimes the wait-time summary
     */
    public static Statistics of(long[] counters, WaitTimes waitTimes) {
        if (counters.length != Counter.values().length) {
            throw IpcException.invalidArgument("expected " + Counter.values().length + " counters, got "
                    + counters.length);
        }
        return new Statistics(counters.clone(), Objects.requireNonNull(waitTimes, "waitTimes"));
    }

    /** The value of one counter. */
    public long get(Counter counter) {
        return counters[counter.ordinal()];
    }

    /** The wait-time summary. */
    public WaitTimes waitTimes() {
        return waitTimes;
    }

    /** Every counter and its value. */
    public Map<Counter, Long> asMap() {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (Counter c : Counter.values()) {
            m.put(c, counters[c.ordinal()]);
        }
        return m;
    }

    @Override
    public String toString() {
        return asMap() + " " + waitTimes;
    }
}
