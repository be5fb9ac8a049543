package org.multios.ipc.console.history;

/**
 * One object's recent past, ready to draw: per interval its end time (epoch seconds), messages
 * and bytes per second in and out, depth and high-water mark at its end, and the wait-time
 * percentiles then (nanoseconds, from the object's histogram; 0 where it keeps none).
 */
public record Series(String type, String name, double[] time, double[] messagesIn, double[] messagesOut,
        double[] bytesIn, double[] bytesOut, long[] depth, long[] highWaterMark, long[] p50, long[] p99, long[] p999) {

    static Series of(Track t) {
        int n = Math.max(0, t.size() - 1); // the first sample starts the first interval
        Series s = new Series(t.type.label(), t.name, new double[n], new double[n], new double[n], new double[n],
                new double[n], new long[n], new long[n], new long[n], new long[n], new long[n]);
        for (int i = 0; i < n; i++) {
            int at = i + 1;
            s.time[i] = t.get(at, Track.Field.TIME_MILLIS) / 1000.0;
            s.messagesIn[i] = t.rate(at, Track.Field.MESSAGES_IN);
            s.messagesOut[i] = t.rate(at, Track.Field.MESSAGES_OUT);
            s.bytesIn[i] = t.rate(at, Track.Field.BYTES_IN);
            s.bytesOut[i] = t.rate(at, Track.Field.BYTES_OUT);
            s.depth[i] = t.get(at, Track.Field.DEPTH);
            s.highWaterMark[i] = t.get(at, Track.Field.HIGH_WATER_MARK);
            s.p50[i] = t.get(at, Track.Field.P50);
            s.p99[i] = t.get(at, Track.Field.P99);
            s.p999[i] = t.get(at, Track.Field.P999);
        }
        return s;
    }
}
