package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * The two sides of a {@link LaneRing}, each an owner word that one sender (one receiver) at a
 * time holds, in any process: taking it ({@link #acquire}), handing it back ({@link #release}),
 * and taking it over from a process dead for certain or a thread of this JVM that ended holding
 * it ({@link LaneDescriptor}: what a takeover recovers).
 */
final class LaneSides {
    /** What the lane recovers once a side was taken over from a dead process, and whom it wakes. */
    interface Recovery {
        /** @param senders the senders' side, else the receivers' */
        void tookOver(boolean senders);

        /**
         * A side taken over by a sweep, or one a try was turned away from, was handed back: wakes
         * whoever sleeps waiting for it.
         */
        void handedBack();
    }

    /** {@link #acquire}: the side is this thread's. */
    static final int ACQUIRED = 0;

    private static final ProcessLiveness LIVENESS = SlotRecovery.LIVENESS;
    private static final int SPINS = 128;

    /** The thread of this JVM that holds the senders' side across its caller's code (a claim), if any. */
    final AtomicReference<Thread> claimer = new AtomicReference<>();
    /** The thread of this JVM that holds the receivers' side across its caller's code (a handler), if any. */
    final AtomicReference<Thread> taker = new AtomicReference<>();

    private final MappedRegion region;
    private final RingWords words;
    private final long base;
    private final long home;
    private final long self;
    private final Recovery recovery;
    /** When this attachment sweeps next ({@link #sweepIfDue}). */
    private final AtomicLong nextSweep = new AtomicLong(System.nanoTime());
    /** When a try of this attachment may check the liveness of the senders' (receivers') owner next. */
    private final AtomicLong nextSenderCheck = new AtomicLong(System.nanoTime());
    private final AtomicLong nextReceiverCheck = new AtomicLong(System.nanoTime());

    LaneSides(MappedRegion region, RingWords words, long base, long home, long self, Recovery recovery) {
        this.region = region;
        this.words = words;
        this.base = base;
        this.home = home;
        this.self = self;
        this.recovery = recovery;
    }

    /**
     * Takes a side's owner word for this process: at once if free; else spins a little, taking it
     * over from a thread of this process that ended holding it across its own code (a claim it
     * never committed), or, at most once a {@link SlotRecovery#LIVENESS_CHECK_NANOS} a side, from
     * a process dead for certain; and gives up. A try never waits longer: a side held reads as a
     * full (empty) lane, and the caller waits as its wait strategy says, woken when the side is
     * handed back ({@link #release}).
     *
     * @return {@link #ACQUIRED}; {@link RingStatus#BUSY} held by another thread or process;
     *         {@link RingStatus#HELD_BY_THIS_THREAD} where this very thread holds the side across
     *         its own code (a claim still open, a handler that sends or receives again)
     */
    int acquire(long word) {
        if (words.compareAndSetLong(word, 0, self)) {
            return ACQUIRED;
        }
        boolean senders = word == base + SENDER_OFFSET;
        AtomicReference<Thread> holder = senders ? claimer : taker;
        if (holder.get() == Thread.currentThread()) {
            return RingStatus.HELD_BY_THIS_THREAD;
        }
        for (int spins = 0; spins < SPINS; spins++) {
            long owner = words.getLongVolatile(word);
            if (owner == 0) {
                if (words.compareAndSetLong(word, 0, self)) {
                    return ACQUIRED;
                }
                continue;
            }
            Thread ended = holder.get();
            if (owner == self && ended != null && !ended.isAlive() && holder.compareAndSet(ended, null)) {
                return ACQUIRED; // its claim was never published: the side is this thread's as it is
            }
            Thread.onSpinWait();
        }
        long owner = words.getLongVolatile(word);
        if (owner != 0 && owner != self && livenessDue(senders ? nextSenderCheck : nextReceiverCheck)
                && LIVENESS.isOwnerDead(owner, home) && words.compareAndSetLong(word, owner, self)) {
            tookOver(word);
            return ACQUIRED;
        }
        // turned away: says so where the holder looks when it hands the side back (release), then
        // looks again; one of the two sees the other (both volatile)
        words.putLongVolatile(turnedAway(word), 1);
        if (words.getLongVolatile(word) == 0 && words.compareAndSetLong(word, 0, self)) {
            return ACQUIRED;
        }
        return RingStatus.BUSY;
    }

    /** The word where tries turned away from a side say so. */
    private long turnedAway(long word) {
        return word == base + SENDER_OFFSET ? base + SENDERS_TURNED_AWAY_OFFSET : base + RECEIVERS_TURNED_AWAY_OFFSET;
    }

    /** Whether a liveness check (a read of /proc) is due for a side, at most one a {@link SlotRecovery#LIVENESS_CHECK_NANOS}. */
    private static boolean livenessDue(AtomicLong next) {
        long now = System.nanoTime();
        long due = next.get();
        return now - due >= 0 && next.compareAndSet(due, now + SlotRecovery.LIVENESS_CHECK_NANOS);
    }

    /**
     * Hands a side back: a volatile store, so that the sleeper counts read after it (and after the
     * tail's or head's release store before it) cannot be read before it (RingSignals: a waiter
     * that counted itself in meanwhile is seen, or sees the side free and the message or space).
     * Where a try was turned away meanwhile, its caller may sleep on a sequence read before it,
     * whatever this holder's own operation found (nothing, no room for a larger message): the mark
     * is cleared, then sleepers are woken ({@link Recovery#handedBack}), so a try turned away later
     * leaves its mark for the next holder.
     */
    void release(long word) {
        words.putLongVolatile(word, 0);
        long turnedAway = turnedAway(word);
        if (words.getLongVolatile(turnedAway) != 0) {
            words.putLongVolatile(turnedAway, 0);
            recovery.handedBack();
        }
    }

    /**
     * Takes over the sides whose owner words name processes dead for certain, at most every
     * {@link SlotRecovery#SWEEP_INTERVAL_NANOS}: senders asleep for room behind a receiver that
     * died holding its side get the room back without a receiver coming by.
     */
    void sweepIfDue() {
        long now = System.nanoTime();
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SlotRecovery.SWEEP_INTERVAL_NANOS)) {
            sweep(base + SENDER_OFFSET);
            sweep(base + RECEIVER_OFFSET);
        }
    }

    private void sweep(long word) {
        long owner = words.getLongVolatile(word);
        if (owner != 0 && owner != self && LIVENESS.isOwnerDead(owner, home) && words.compareAndSetLong(word, owner, self)) {
            tookOver(word);
            release(word);
            recovery.handedBack();
        }
    }

    /** After taking a dead process's owner word: counted, and what the lane recovers for that side. */
    private void tookOver(long word) {
        region.getAndAddLong(base + RECOVERED_OFFSET, 1);
        recovery.tookOver(word == base + SENDER_OFFSET);
    }
}
