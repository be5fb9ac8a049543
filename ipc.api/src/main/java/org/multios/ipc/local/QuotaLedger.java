package org.multios.ipc.local;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Quota;

/**
 * One process's use of its {@link Quota quotas}, checked against maxima. Thread-safe and
 * lock-free: a reservation that would pass the maximum takes nothing.
 *
 * <p>Reservations and releases run once per message sent and received, often on two cores.
 * Each begins with a compare-and-exchange from a guessed use instead of a read: a read would
 * fetch the word's line shared from the other core and the compare-and-set fetch it again to
 * own it; the exchange owns it at once and, guessed wrong, returns the use, for a second attempt
 * on the line it now holds. Every change still goes from a use it saw, checked against the
 * maximum (reserving) or floored at zero (releasing).
 */
public final class QuotaLedger {
    private final String owner;
    private final long[] maxima;
    private final AtomicLongArray used = new AtomicLongArray(Quota.values().length);

    /**
     * @param owner  the process, named in LIMIT_EXCEEDED messages
     * @param maxima the maximum of each quota; absent quotas are unlimited
     */
    public QuotaLedger(String owner, Map<Quota, Long> maxima) {
        this.owner = owner;
        this.maxima = new long[Quota.values().length];
        for (Quota q : Quota.values()) {
            this.maxima[q.ordinal()] = maxima.getOrDefault(q, Long.MAX_VALUE);
        }
    }

    /**
     * Reserves an amount.
     *
     * @throws IpcException INVALID_ARGUMENT for a negative amount, LIMIT_EXCEEDED naming the quota
     */
    public void reserve(Quota quota, long amount) {
        if (amount < 0) {
            throw IpcException.invalidArgument("cannot reserve a negative amount " + amount + " of " + quota.key());
        }
        int i = quota.ordinal();
        long max = maxima[i];
        // guess none in use and exchange at once (see the class comment), then retry with what it saw
        long current = 0;
        while (true) {
            long next = current + amount;
            if (next > max || next < 0) {
                current = used.get(i);
                next = current + amount;
                if (next > max || next < 0) {
                    throw new IpcException(IpcError.LIMIT_EXCEEDED, owner + ": " + amount + " more would exceed "
                            + quota.key() + " = " + max + " (in use: " + current + ")");
                }
            }
            long seen = used.compareAndExchange(i, current, next);
            if (seen == current) {
                return;
            }
            current = seen;
        }
    }

    /**
     * Gives back an amount reserved earlier; never goes below zero.
     *
     * @throws IpcException INVALID_ARGUMENT for a negative amount
     */
    public void release(Quota quota, long amount) {
        if (amount < 0) {
            throw IpcException.invalidArgument("cannot release a negative amount " + amount + " of " + quota.key());
        }
        int i = quota.ordinal();
        long current = amount; // a guess: this amount is all in use (see the class comment)
        while (true) { // no capturing lambda: a release runs once per message received
            long next = Math.max(0, current - amount);
            if (next == current) {
                return; // nothing to give back: no amount, or none in use as the exchange saw
            }
            long seen = used.compareAndExchange(i, current, next);
            if (seen == current) {
                return;
            }
            current = seen;
        }
    }

    /** What is in use now. */
    public long used(Quota quota) {
        return used.get(quota.ordinal());
    }

    /** The maximum of a quota, {@link Long#MAX_VALUE} if unlimited. */
    public long maximum(Quota quota) {
        return maxima[quota.ordinal()];
    }

    /** Use of every quota. */
    public Map<Quota, Long> usage() {
        Map<Quota, Long> m = new EnumMap<>(Quota.class);
        for (Quota q : Quota.values()) {
            m.put(q, used.get(q.ordinal()));
        }
        return m;
    }
}
