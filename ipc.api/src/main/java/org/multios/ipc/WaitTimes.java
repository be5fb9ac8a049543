package org.multios.ipc;


/**
 * A summary of how long operations on an object waited, in nanoseconds: the count of recorded
 * waits and percentiles of their durations. Immutable.
 *
 * @param count waits recorded
 * @param p50   median
 * @param p90   90th percentile
 * @param p99   99th percentile
 * @param p999  99.9th percentile
 * @param max   longest
 */
public record WaitTimes(long count, long p50, long p90, long p99, long p999, long max) {
    /** No waits recorded. */
    public static final WaitTimes NONE = new WaitTimes(0, 0, 0, 0, 0, 0);
}
