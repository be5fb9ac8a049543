package org.multios.ipc.mqtt.internal;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Delays between reconnection attempts: exponential from {@code min} to {@code max}, each delay
 * drawn uniformly from its upper half ("equal jitter"), so that a fleet of gateways cut off from
 * the broker at the same moment does not come back at the same moment. Not thread-safe.
 */
final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private long ceiling;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
        this.ceiling = minMillis;
    }

    /** The delay before the next attempt, in milliseconds; the ceiling doubles up to the maximum. */
    long nextMillis() {
        long c = ceiling;
        ceiling = Math.min(maxMillis, c * 2);
        long half = c / 2;
        return half + random.nextLong(c - half + 1);
    }

    /** A connection succeeded: the next outage starts again at the minimum. */
    void reset() {
        ceiling = minMillis;
    }
}
