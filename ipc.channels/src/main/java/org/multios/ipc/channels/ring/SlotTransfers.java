package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.util.function.LongSupplier;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The halves of a send and of a receive, with the caller writing or reading the slot in place
 * between them: {@link #claim} a free slot and {@link #commit} (or {@link #abort}) it;
 * {@link #take} the next message and mark it {@link #consumed}. {@link PriorityRing}'s copying
 * sends and receives are these halves around a copy. Ownership, budget and recovery are the
 * layers' below; a receiver that briefly clears the mark of a priority a sender published into
 * meanwhile marks it again and signals on the sender's behalf ({@link #clearIfEmpty}).
 */
abstract class SlotTransfers extends SlotRecovery {
    SlotTransfers(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, int freeScale,
            long self, RingSteps.Hook hook, LongSupplier sweepClock) {
        super(region, base, capacity, maxMessageSize, budget, freeScale, self, hook, sweepClock);
    }

    // ------------------------------------------------------------------ sending

    /**
     * Claims a free slot (owning it) for a message of {@code len} bytes, writes its header and
     * reserves its bytes: the first half of {@link PriorityRing#offer}. The caller writes the message at
     * {@link #payload(int)}, then {@linkplain #commit commits} or {@linkplain #abort aborts}; a
     * process that dies holding the claim is recovered as one that died writing a send.
     *
     * @return the slot, {@link RingStatus#FULL} or {@link RingStatus#TOO_LARGE}
     */
    public final int claim(int len, int priority, long sender, long senderPid) {
        if (len > maxMessageSize) {
            return RingStatus.TOO_LARGE;
        }
        if (overBudget(len)) {
            sweepIfDue();
            return RingStatus.FULL;
        }
        int slot = take(FREE_RING, -1, null, RingSteps.SLOT_CLAIMED, RingSteps.SLOT_TAKEN);
        if (slot < 0) {
            sweepIfDue();
            return RingStatus.FULL;
        }
        boolean reserved;
        try {
            writeHeader(slot(slot), len, priority, sender, senderPid);
            reserved = budget == 0 || budgetOp(slot, OP_RESERVE, len);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        if (!reserved) {
            release(slot, FREE_RING);
            sweepIfDue();
            return RingStatus.FULL;
        }
        return slot;
    }

    /**
     * {@link #claim} for a message the caller writes in place through a view: the claimed bytes
     * are cleared first, so that the writer never sees a message the slot held before (a sender
     * may have no right to read the object, and a channel's senders do not read each other's).
     */
    public final int claimCleared(int len, int priority, long sender, long senderPid) {
        int slot = claim(len, priority, sender, senderPid);
        if (slot >= 0) {
            try {
                region.clear(payload(slot), len);
            } catch (Throwable t) {
                throw abandon(slot, t);
            }
        }
        return slot;
    }

    /**
     * Publishes a slot this thread claimed, the second half of {@link PriorityRing#offer}.
     *
     * @return {@link RingStatus#SENT} or {@link RingStatus#SENT_TO_EMPTY}
     */
    public final int commit(int slot, int priority) {
        long s = slot(slot);
        try {
            if (checksums != null) {
                checksums.seal(s, region.getInt(s + SLOT_LENGTH_OFFSET));
            }
            enqueue(1 + priority, slot, RingSteps.PUBLISHED);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        words.putLongRelease(s + SLOT_OWNER_OFFSET, 0);
        boolean toEmpty = mark(priority);
        signals.signalMessage();
        return toEmpty ? RingStatus.SENT_TO_EMPTY : RingStatus.SENT;
    }

    /** Gives a slot this thread claimed back unsent, with the {@code len} bytes it reserved. */
    public final void abort(int slot, int len) {
        free(slot, len);
    }

    /** Where the bytes of a slot's message start in the ring's region. */
    public final long payload(int slot) {
        return slot(slot) + SLOT_HEADER_SIZE;
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Takes the next message to be read in place at {@link #payload(int)}: the slot stays this
     * thread's until {@link #consumed}, and {@code info} holds its checked length, priority and
     * sender.
     *
     * @return the slot, or {@link RingStatus#EMPTY}
     * @throws IpcException CORRUPTED for a length or priority no sender can write (the message
     *                      is dropped)
     */
    public final int take(MessageInfo info) {
        int slot = takeMessage(-1, info);
        if (slot < 0) {
            return slot;
        }
        checkTaken(slot, maxMessageSize, info);
        return slot;
    }

    /** Frees a slot {@link #take} returned, once its {@code length} bytes were read. */
    public final void consumed(int slot, int length) {
        free(slot, length);
    }

    /**
     * Takes (owning it) the head slot of the highest non-empty priority, or returns EMPTY or
     * TOO_LARGE (with {@code info} describing the message that stays).
     */
    final int takeMessage(int maxLength, MessageInfo info) {
        int marked = bitmap.read();
        while (marked != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(marked);
            int r = take(1 + p, maxLength, info, RingSteps.MESSAGE_CLAIMED, RingSteps.MESSAGE_TAKEN);
            if (r >= 0) {
                if (!keepsMarks()) {
                    try {
                        clearIfEmpty(p);
                    } catch (Throwable t) {
                        throw abandon(r, t);
                    }
                }
                return r;
            }
            if (r == RingStatus.TOO_LARGE) {
                return r;
            }
            if (r == RingStatus.EMPTY) {
                clearIfEmpty(p);
            }
            marked &= ~(1 << p); // EMPTY, or BUSY: held up by a live owner
        }
        return RingStatus.EMPTY;
    }

    /**
     * Whether this attachment leaves a priority marked after taking its last message
     * ({@link PriorityRing#isEmpty()} then looks at the marked rings themselves): a mark is then
     * cleared only by a receiver that finds its ring empty when it tries to take, so a sender and
     * a receiver that keep meeting at an empty ring do not trade the bitmap's line and two
     * compare-and-sets per message ({@link PriorityRing#attachKeepingMarks}). Others clear it at
     * once, so that a send can tell that it made the ring go from no message to some
     * ({@link RingStatus#SENT_TO_EMPTY}, the listener of queues).
     */
    abstract boolean keepsMarks();

    /**
     * Whether no marked priority's ring holds a message at its head: the marks may be stale
     * ({@link #keepsMarks()}), the rings are not. Looks only; a receiver that counted itself in
     * as a sleeper and then finds this true may sleep, since a sender publishes before it marks
     * and reads the sleepers after.
     */
    final boolean markedRingsEmpty() {
        int marked = bitmap.read();
        while (marked != 0) {
            int p = 31 - Integer.numberOfLeadingZeros(marked);
            if (!ringEmpty(1 + p)) {
                return false;
            }
            marked &= ~(1 << p);
        }
        return true;
    }

    /**
     * Checks the length and priority of a message just taken (words another process may have
     * written anything into) and fills {@code info} (if not null) with them and the sender; a
     * message that cannot be true is dropped, its slot freed.
     *
     * @return the message's length, at most {@code room}
     * @throws IpcException CORRUPTED if the length is negative or beyond the message size or the
     *                      room looked at, the priority outside 0..31, or, in a ring with
     *                      checksums, the slot's checksum does not match its bytes
     */
    final int checkTaken(int slot, int room, MessageInfo info) {
        long s = slot(slot);
        int length = words.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = words.getInt(s + SLOT_PRIORITY_OFFSET);
        if (length < 0 || length > maxMessageSize || length > room || priority < 0 || priority >= PRIORITIES) {
            free(slot, length);
            throw new IpcException(IpcError.CORRUPTED, "message ring held a message of " + length
                    + " bytes at priority " + priority + " (largest " + maxMessageSize + " bytes, room for " + room
                    + "); it was dropped");
        }
        boolean intact;
        try {
            intact = checksums == null || checksums.intact(s, length);
            describe(s, length, priority, info);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        if (!intact) {
            free(slot, length);
            java.nio.file.Path file = region.file();
            throw new IpcException(IpcError.CORRUPTED, "message ring " + (file == null ? "" : "of " + file + " ")
                    + "held a message of " + length + " bytes at priority " + priority + " in slot " + slot
                    + " (offset " + s + " of the file) whose checksum does not match its bytes (torn or overwritten"
                    + " on disk); it was dropped");
        }
        return length;
    }

    /** Gives a received slot's bytes back and returns it to the free ring. */
    final void free(int slot, int length) {
        try {
            if (checksums != null) {
                checksums.invalidate(slot(slot));
            }
            giveBack(slot, length);
        } catch (Throwable t) {
            throw abandon(slot, t);
        }
        release(slot, FREE_RING);
    }

    /**
     * Clears priority p's bit if its ring is empty, then sets it again if a sender raced in: that
     * sender found the bit still set, so if the bitmap is empty now this thread makes the ring
     * non-empty on its behalf, and wakes a sleeper on its behalf too: a receiver that counted
     * itself in may have read the bitmap while it was clear, and the sender did not see it.
     */
    private void clearIfEmpty(int p) {
        if (ringEmpty(1 + p)) {
            step(RingSteps.EMPTY_SEEN);
            bitmap.clear(p);
            if (!ringEmpty(1 + p)) {
                mark(p);
                signals.signalMessage();
            }
        }
    }
}
