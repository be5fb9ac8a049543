package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.util.function.BooleanSupplier;

import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.SleeperWatch;

/**
 * The futex signalling of a ring: the message-available and space-available sequences and the
 * sleepers counted in on each. A thread that found nothing first idles without telling anyone
 * (its {@link org.multios.ipc.WaitStrategy}); only then does it count itself in, and from then
 * on, at every pass, it reads the sequence, tries again, and sleeps on the futex of the sequence
 * while it is unchanged. Whoever makes a message (or space) visible writes the ring word first and
 * reads the sleeper count after; it bumps the sequence and wakes only if the count is not zero.
 * Both sides write one word and read the other, all sequentially consistent (volatile and CAS):
 * either the signaller sees the sleeper, bumps and wakes it (a sleep that had not started yet
 * finds the sequence changed), or the sleeper's try after counting in sees the message. Nobody
 * sleeping: no shared write, no system call.
 */
public final class RingSignals {
    private final MappedRegion region;
    /** The sleeper counts that every send and every freed slot reads. */
    private final RingWords words;
    private final long available;
    private final long receiversSleeping;
    private final long space;
    private final long sendersSleeping;
    /** Senders woken by freed space: all with a byte budget, one without. */
    private final int spaceWakes;

    RingSignals(MappedRegion region, RingWords words, long base, boolean byteBudget) {
        this.region = region;
        this.words = words;
        this.available = base + AVAILABLE_SEQUENCE_OFFSET;
        this.receiversSleeping = base + RECEIVERS_SLEEPING_OFFSET;
        this.space = base + SPACE_SEQUENCE_OFFSET;
        this.sendersSleeping = base + SENDERS_SLEEPING_OFFSET;
        this.spaceWakes = byteBudget ? Integer.MAX_VALUE : 1;
    }

    /** Tells sleeping receivers a message is there: bumps their sequence and wakes one, if some sleep. */
    void signalMessage() {
        if (words.getIntVolatile(receiversSleeping) > 0) {
            region.getAndAddInt(available, 1);
            Futex.wake(region, available, 1);
        }
    }

    /**
     * Bumps the space sequence and wakes sleeping senders, if some are counted in: one, or, with
     * a byte budget, all of them (the one woken might need more bytes than were freed while
     * another needs fewer).
     */
    void signalSpace() {
        if (words.getIntVolatile(sendersSleeping) > 0) {
            region.getAndAddInt(space, 1);
            Futex.wake(region, space, spaceWakes);
        }
    }

    /** The message-available sequence now: read it before trying, then sleep on it. */
    public int availableSequence() {
        return region.getIntVolatile(available);
    }

    /** The space-available sequence now. */
    public int spaceSequence() {
        return region.getIntVolatile(space);
    }

    /** Counts a receiver in (+1) or out (-1) of sleeping; senders wake receivers only if some sleep. */
    public void receiversSleeping(int delta) {
        region.getAndAddInt(receiversSleeping, delta);
    }

    /** Receivers sleeping now, in every process. */
    public int receiversSleeping() {
        return region.getIntVolatile(receiversSleeping);
    }

    /** Counts a sender in (+1) or out (-1) of sleeping. */
    public void sendersSleeping(int delta) {
        region.getAndAddInt(sendersSleeping, delta);
    }

    /** Senders sleeping now, in every process. */
    public int sendersSleeping() {
        return region.getIntVolatile(sendersSleeping);
    }

    /** Forgets every sleeper counted in: a ring no live process uses (after a restart). */
    void forgetSleepers() {
        region.putIntVolatile(receiversSleeping, 0);
        region.putIntVolatile(sendersSleeping, 0);
    }

    /**
     * Sleeps in the kernel while the available sequence is {@code sequence}, at most
     * {@code nanos}, through {@code watch}, which wakes it once the thread is interrupted and
     * calls {@code sweep} at each of its checks, once for all the threads of this process asleep
     * on this word ({@link SleeperWatch#awaitSweeping}); the caller counted itself in with
     * {@link #receiversSleeping(int)}. Whatever else ends a wait (closing, revocation, an end
     * closed for good, a message or space that a sweep recovers) bumps a sequence and wakes
     * through it, so its wake-up cannot fall before the sleep.
     *
     * @param sweep looks for slots and messages of dead processes while this thread sleeps
     *              ({@link SlotRecovery#sweepForSleepers}); never asks for a wake of its own
     * @return as {@link Futex#await}
     */
    public int awaitMessage(SleeperWatch watch, int sequence, long nanos, BooleanSupplier sweep) {
        return watch.awaitSweeping(region, available, sequence, nanos, sweep::getAsBoolean);
    }

    /** Sleeps while the space sequence is {@code sequence}, at most {@code nanos}, as {@link #awaitMessage}. */
    public int awaitSpace(SleeperWatch watch, int sequence, long nanos, BooleanSupplier sweep) {
        return watch.awaitSweeping(region, space, sequence, nanos, sweep::getAsBoolean);
    }

    /**
     * Wakes one more sleeping receiver if {@code messageQueued}: called by a receiver that leaves
     * without taking one (too large for it, closed, timed out), since the wake-up it got may have
     * been the only one.
     */
    void passOnMessage(boolean messageQueued) {
        if (messageQueued && region.getIntVolatile(receiversSleeping) > 0) {
            Futex.wake(region, available, 1);
        }
    }

    /** Wakes sleeping senders again: called by a sender that leaves without sending. */
    public void passOnSpace() {
        if (region.getIntVolatile(sendersSleeping) > 0) {
            Futex.wake(region, space, spaceWakes);
        }
    }

    /**
     * Wakes every sleeper, in every process, so that each re-checks (for closing, revocation, an
     * end closed for good). It bumps both sequences first: a waiter reads its sequence before it
     * checks those flags, so one about to sleep finds the sequence changed and does not sleep.
     */
    public void wakeAll() {
        region.getAndAddInt(available, 1);
        region.getAndAddInt(space, 1);
        Futex.wake(region, available, Integer.MAX_VALUE);
        Futex.wake(region, space, Integer.MAX_VALUE);
    }
}
