package org.multios.ipc;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;


/** An immutable set of values for every {@link Limit}. */
public final class IpcLimits {
    private final long[] values;

    private IpcLimits(long[] values) {
        this.values = values;
    }

    /** The defaults of every limit. */
    public static IpcLimits defaults() {
        long[] v = new long[Limit.values().length];
        for (Limit l : Limit.values()) {
            v[l.ordinal()] = l.defaultValue();
        }
        return new IpcLimits(v);
    }


    /** The value of a limit. */
    public long get(Limit limit) {
        return values[limit.ordinal()];
    }

    /**
     * A copy with one limit changed.
     *
     * @throws IpcException INVALID_ARGUMENT if the value is not positive
     */
    public IpcLimits with(Limit limit, long value) {
        if (value <= 0) {
            throw IpcException.invalidArgument("limit " + limit.key() + " must be positive, not " + value);
        }
        long[] v = values.clone();
        v[limit.ordinal()] = value;
        return new IpcLimits(v);
    }

    /**
     * Checks that {@code requested} does not exceed the limit.
     *
     * @param object the object the request is for, named in the message
     * @throws IpcException LIMIT_EXCEEDED naming the object, the request and the limit
     */
    public void check(Limit limit, long requested, String object) {
        long max = get(limit);
        if (requested > max) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED,
                    object + ": " + requested + " exceeds the limit " + limit.key() + " = " + max);
        }
    }

    /** Every limit and its value. */
    public Map<Limit, Long> asMap() {
        Map<Limit, Long> m = new EnumMap<>(Limit.class);
        for (Limit l : Limit.values()) {
            m.put(l, values[l.ordinal()]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpcLimits other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
