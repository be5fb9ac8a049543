package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The first layer of a {@link PriorityRing}: where its words lie ({@link PriorityRingDescriptor}
 * for one attachment), the slot header a sender writes and a receiver reads, the priority bitmap
 * and the futex signals, and the test hook. The layers above it (index rings, byte budget, slot
 * recovery, the ring) are one object, so that the hot paths reach every word through final
 * fields of {@code this}; each layer holds one concern and calls the layer above only through
 * the abstract methods it declares.
 */
abstract class RingLayout {
    private static final ProcessKind[] KINDS = ProcessKind.values();
    /** The sender id in a slot's sender word (the kind's ordinal is in the top 8 bits). */
    static final long ID_MASK = (1L << 56) - 1;

    final MappedRegion region;
    final long base;
    final int capacity;
    final int maxMessageSize;
    final int slotSize;
    /** Entries of each priority's index ring ({@link PriorityRingDescriptor#indexLength}). */
    final int indexLength;
    final long mask;
    final int lapShift;
    /**
     * Entries of the free ring: {@link PriorityRingDescriptor#freeScale} times {@link #indexLength}
     * (twice in a ring of this layout, once in a PRN3 ring).
     */
    final int freeLength;
    final long freeMask;
    final int freeLapShift;
    final long slots;
    /** The byte budget, 0 for none. */
    final int budget;
    /** The hot paths' words ({@link RingWords}: native addresses where the ring allows). */
    final RingWords words;
    final PriorityBitmap bitmap;
    final RingSignals signals;
    /** The test hook, or null ({@link #step}). */
    final RingSteps.Hook hook;
    /** The ring's message checksums, or null if its slots carry none. */
    final MessageChecksums checksums;

    RingLayout(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, int freeScale,
            RingSteps.Hook hook) {
        this.region = region;
        this.base = base;
        this.capacity = capacity;
        this.maxMessageSize = maxMessageSize;
        this.slotSize = slotSize(maxMessageSize);
        this.indexLength = indexLength(capacity);
        this.mask = indexLength - 1;
        this.lapShift = Integer.numberOfTrailingZeros(indexLength);
        this.freeLength = freeLength(capacity, freeScale);
        this.freeMask = freeLength - 1;
        this.freeLapShift = Integer.numberOfTrailingZeros(freeLength);
        this.slots = base + slotsOffset(capacity, freeScale);
        this.budget = budget;
        this.words = new RingWords(region, base, length(capacity, maxMessageSize, freeScale));
        this.bitmap = new PriorityBitmap(region, words, base + BITMAP_OFFSET);
        this.signals = new RingSignals(region, words, base, budget > 0);
        this.hook = hook;
        this.checksums = region.getInt(base + CHECKSUMS_OFFSET) != 0 ? new MessageChecksums(region) : null;
    }

    /** Calls the test hook at a step ({@link RingSteps}). */
    final void step(int step) {
        if (hook != null) {
            hook.at(step);
        }
    }

    /** The control block (tail, head) of index ring {@code ring}. */
    final long control(int ring) {
        return base + CONTROLS_OFFSET + (long) ring * CONTROL_SIZE;
    }

    /** The entry word serving {@code position} of index ring {@code ring}. */
    final long entry(int ring, long position) {
        return ring == FREE_RING ? base + ENTRIES_OFFSET + (position & freeMask) * ENTRY_SIZE
                : base + ENTRIES_OFFSET + (freeLength + (long) (ring - 1) * indexLength + (position & mask)) * ENTRY_SIZE;
    }

    /** Entries of index ring {@code ring}. */
    final int entries(int ring) {
        return ring == FREE_RING ? freeLength : indexLength;
    }

    /** The lap of {@code position} of index ring {@code ring}. */
    final long lap(int ring, long position) {
        return position >>> (ring == FREE_RING ? freeLapShift : lapShift);
    }

    /**
     * Where slot {@code slot} starts.
     *
     * @throws IpcException CORRUPTED for an index outside the capacity (read from a shared word)
     */
    final long slot(int slot) {
        if (slot < 0 || slot >= capacity) {
            throw new IpcException(IpcError.CORRUPTED, "message ring holds slot index " + slot + " outside 0.."
                    + (capacity - 1));
        }
        return slots + (long) slot * slotSize;
    }

    /** The owner word of a slot. */
    final long owner(int slot) {
        return slot(slot) + SLOT_OWNER_OFFSET;
    }

    /** Writes a slot's header for a send. */
    final void writeHeader(long s, int len, int priority, long sender, long senderPid) {
        words.putInt(s + SLOT_LENGTH_OFFSET, len);
        words.putInt(s + SLOT_PRIORITY_OFFSET, priority);
        words.putLong(s + SLOT_SENDER_OFFSET, sender);
        words.putLong(s + SLOT_SENDER_PID_OFFSET, senderPid);
    }

    /** Fills {@code info} (if not null) from a slot's header. */
    final void describe(long s, int length, int priority, MessageInfo info) {
        if (info != null) {
            long sender = words.getLong(s + SLOT_SENDER_OFFSET);
            int kind = (int) (sender >>> 56);
            info.set(length, priority, kind >= 0 && kind < KINDS.length ? KINDS[kind] : KINDS[0],
                    sender & ID_MASK, words.getLong(s + SLOT_SENDER_PID_OFFSET));
        }
    }

    /** A length read from a slot, as the budget may count it. */
    final int budgeted(int length) {
        return Math.max(0, Math.min(length, maxMessageSize));
    }
}
