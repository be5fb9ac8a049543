package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The byte budget of a ring (channels: the buffer size), in one bytes word: the bytes queued in
 * the low 32 bits and a pending op in the high 32. A sender that holds a slot reserves its bytes
 * by swapping {@code [q, 0]} for {@code [q + len, reserve slot]}, marks the slot as holding
 * budget bytes, then clears the pending op; a receiver gives them back the same way. While an op
 * is pending others wait ({@link #holdUp}); if the slot's owner died meanwhile, the recoverer
 * completes the op from the word ({@link #completePending}) and the slot's length, so the budget
 * never leaks. Lengths given back are clamped.
 */
abstract class ByteBudget extends IndexRings {
    static final int OP_RESERVE = 0;
    static final int OP_GIVE_BACK = 1;
    private static final long BYTES_MASK = 0xffff_ffffL;

    ByteBudget(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, int freeScale,
            long self, RingSteps.Hook hook) {
        super(region, base, capacity, maxMessageSize, budget, freeScale, self, hook);
    }

    /** Bytes of the messages queued now (and of sends under way), with a byte budget. */
    public final long bytesQueued() {
        return region.getLongVolatile(base + BYTES_OFFSET) & BYTES_MASK;
    }

    /** Whether a message of {@code len} bytes cannot fit in the budget now. */
    final boolean overBudget(int len) {
        return budget > 0 && bytesQueued() + len > budget;
    }

    /**
     * Reserves ({@link #OP_RESERVE}) or gives back ({@link #OP_GIVE_BACK}) {@code len} bytes of
     * the budget for an owned slot, recording the op in the bytes word until the slot's flag
     * says it happened.
     *
     * @return false if a reservation does not fit, or if a live owner held the word longer than
     *         {@link SlotRecovery#GIVE_UP_NANOS} (a reservation then fails with FULL; bytes given
     *         back stay counted, which only a stopped process or a hostile write can cause)
     */
    final boolean budgetOp(int slot, int op, int len) {
        long word = base + BYTES_OFFSET;
        long pendingTag = (((long) (slot + 1) << 1) | op) << 32;
        int spins = 0;
        long since = 0;
        int waitedFor = 0;
        while (true) {
            long w = region.getLongVolatile(word);
            int pending = (int) (w >>> 32);
            if (pending != 0) {
                if (pending != waitedFor) {
                    waitedFor = pending;
                    spins = 0;
                    since = 0;
                }
                int holder = (pending >>> 1) - 1;
                long owner = holder >= 0 && holder < capacity
                        ? region.getLongVolatile(slot(holder) + SLOT_OWNER_OFFSET) : 0;
                since = holdUp(holder, owner, spins++, since);
                if (since == 0) {
                    return false;
                }
                continue;
            }
            long bytes = w & BYTES_MASK;
            long after = op == OP_RESERVE ? bytes + len : Math.max(0, bytes - len);
            if (op == OP_RESERVE && after > budget) {
                return false;
            }
            if (region.compareAndSetLong(word, w, pendingTag | after)) {
                step(op == OP_RESERVE ? RingSteps.BYTES_PENDING : RingSteps.GIVE_BACK_PENDING);
                region.putInt(slot(slot) + SLOT_BUDGETED_OFFSET, op == OP_RESERVE ? 1 : 0);
                // a release store publishes the slot's flag before the op's end; nobody reads
                // this word in a store-then-load handshake, so no full fence is owed
                region.putLongRelease(word, after);
                return true;
            }
        }
    }

    /** Gives back the bytes of an owned slot that holds budget bytes. */
    final void giveBack(int slot, int length) {
        if (budget > 0 && region.getInt(slot(slot) + SLOT_BUDGETED_OFFSET) != 0) {
            budgetOp(slot, OP_GIVE_BACK, budgeted(length));
        }
    }

    /**
     * Completes an op that the dead owner of {@code slot} left pending in the bytes word: the
     * slot's flag is set as the op would have set it and the op cleared (its bytes were counted
     * when it was recorded).
     */
    final void completePending(int slot) {
        if (budget == 0) {
            return;
        }
        long word = base + BYTES_OFFSET;
        long w = region.getLongVolatile(word);
        int pending = (int) (w >>> 32);
        if (pending != 0 && (pending >>> 1) - 1 == slot) {
            region.putInt(slot(slot) + SLOT_BUDGETED_OFFSET, (pending & 1) == OP_RESERVE ? 1 : 0);
            region.putLongVolatile(word, w & BYTES_MASK);
        }
    }
}
