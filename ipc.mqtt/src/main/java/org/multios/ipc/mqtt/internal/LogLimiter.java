package org.multios.ipc.mqtt.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per interval for one kind of event, so that a peer flooding the bridge
 * with bad messages cannot flood the log; the counters still count every one. Thread-safe.
 */
final class LogLimiter {
    private final long intervalNanos;
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    LogLimiter(long intervalMillis) {
        this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Whether a line may be logged now. */
    boolean allow() {
        long now = System.nanoTime();
        long n = next.get();
        return (n == Long.MIN_VALUE || now - n >= 0) && next.compareAndSet(n, now + intervalNanos);
    }
}
