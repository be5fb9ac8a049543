package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.LaneDescriptor.*;

import java.util.function.BooleanSupplier;

/**
 * What a {@link LaneRing} recovers once a side was taken over from a dead owner, and whom it
 * wakes when a side is handed back or a wake-up may have been missed: the lane's answers to
 * {@link LaneSides.Recovery} and to its sleepers' watch.
 */
final class LaneRecovery implements LaneSides.Recovery {
    private final RingWords words;
    private final LaneFrames frames;
    private final RingSignals signals;
    private final long base;
    private final int capacity;
    /** Whether a message is queued ({@link LaneRing#isEmpty}, negated). */
    private final BooleanSupplier queued;

    LaneRecovery(RingWords words, LaneFrames frames, RingSignals signals, long base, int capacity,
            BooleanSupplier queued) {
        this.words = words;
        this.frames = frames;
        this.signals = signals;
        this.base = base;
        this.capacity = capacity;
        this.queued = queued;
    }

    /**
     * After a side's owner word was taken over from a process dead for certain. The senders':
     * the tail moves past records it published without moving the tail (killed between the two
     * stores), from the head where a receiver took them already (the tail behind the head: a
     * sender writing there would write over the head's frame length). The receivers': the head
     * moves past the message the dead receiver was reading ({@code taking}, where it is the end of
     * the record at the head), else {@code taking} is set back to the head.
     */
    @Override
    public void tookOver(boolean senders) {
        long head = words.getLongVolatile(base + HEAD_OFFSET);
        if (senders) {
            long tail = words.getLong(base + TAIL_OFFSET);
            // behind the head where the receiver took what the dead sender published: from the head
            long t = frames.endOfPublished(tail - head < 0 ? head : tail, head);
            if (t != LaneFrames.NONE) {
                words.putLongRelease(base + TAIL_OFFSET, t);
            }
            return;
        }
        long taking = words.getLong(base + TAKING_OFFSET);
        if (taking != head && taking == frames.recordEnd(head)) {
            words.putLongRelease(base + HEAD_OFFSET, taking);
            signals.signalSpace();
        } else {
            words.putLong(base + TAKING_OFFSET, head);
        }
    }

    @Override
    public void handedBack() {
        signals.signalSpace();
        wakeReceiverForQueued();
    }

    /**
     * Wakes a receiver that gave up waiting for the receivers' side (and sleeps on the message
     * sequence) if a message is still queued: only when receivers sleep, so a message costs the
     * tail's line no more.
     */
    void wakeReceiverForQueued() {
        if (signals.receiversSleeping() > 0 && queued.getAsBoolean()) {
            signals.signalMessage();
        }
    }

    /**
     * Wakes receivers asleep while a message is queued and senders asleep while the smallest
     * record fits, whom a holder of another process, handing its side back with no fence, may
     * have missed (the sweep of an attachment that does not fence, {@link LaneSides#sweepWakes}).
     */
    void wakeMissed() {
        wakeReceiverForQueued();
        long used = words.getLongVolatile(base + TAIL_OFFSET) - words.getLongVolatile(base + HEAD_OFFSET);
        if (signals.sendersSleeping() > 0 && used >= 0 && used + recordLength(0) + RECORD_ALIGNMENT <= capacity) {
            signals.signalSpace();
        }
    }
}
