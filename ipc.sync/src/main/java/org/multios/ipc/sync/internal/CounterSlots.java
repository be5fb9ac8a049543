package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.COUNTER_SLOTS;
import static org.multios.ipc.sync.internal.SyncDescriptor.COUNTER_SLOT_COUNT;
import static org.multios.ipc.sync.internal.SyncDescriptor.COUNTER_SLOT_SIZE;
import static org.multios.ipc.sync.internal.SyncDescriptor.CREATOR_NAMESPACE;

import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.MappedWords;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.spi.Grant;

/**
 * Counters of acquisitions and posts kept per handle in the object's page, summed by readers
 * ({@link SyncDescriptor}: counter slots). A handle claims a slot when it opens, with one
 * compare-and-set of the slot's holder from 0 (or from a holding process dead for certain) to
 * its process's owner word, and gives it back when it closes; the counts stay in the slot, so
 * the next holder adds to them and nothing counted is ever lost. Within its slot a handle has a
 * cell per kind and per step token: the calling thread's slot of the handle's {@link StepGuard}
 * (or, where that guard has no fence, of its grant's gate, {@link Grant#enterStep}): a thread
 * counts inside the step whose token makes that cell its own, so a count is a plain read and a
 * release store, no atomic operation and no line another handle writes. Handles beyond the slots, and steps
 * counted in the grant's shared counter, add to the object's shared counters atomically instead.
 * One race is left to statistics: a step of a handle still counting while another thread closes
 * the handle may meet the slot's next holder in one cell, and one count may be lost.
 */
final class CounterSlots {
    /** No slot: count in the shared counters. */
    static final int NONE = -1;
    /** Bytes from a slot's start to its first cell (the holder word's cache line). */
    private static final int CELLS = 64;

    private CounterSlots() {
    }

    /**
     * Claims a slot for a handle of this process: a free one, or one whose holding process is dead
     * for certain ({@link ProcessLiveness}).
     *
     * @return the slot, or {@link #NONE} if every slot is held, the page is read-only, or this
     *         process cannot own shared objects
     */
    static int claim(MappedRegion region, ProcessLiveness liveness) {
        if (!region.isWritable()) {
            return NONE;
        }
        long home = region.getLongVolatile(CREATOR_NAMESPACE);
        long me;
        try {
            me = liveness.currentProcessWord(home);
        } catch (IpcException cannotOwn) {
            return NONE;
        }
        for (int slot = 0; slot < COUNTER_SLOT_COUNT; slot++) {
            int holderAt = holder(slot);
            long holder = region.getLongVolatile(holderAt);
            if (holder == 0 ? region.compareAndSetLong(holderAt, 0, me)
                    : liveness.isOwnerDead(holder, home) && region.compareAndSetLong(holderAt, holder, me)) {
                return slot;
            }
        }
        return NONE;
    }

    /** Gives a slot back (its counts stay); nothing for {@link #NONE}. */
    static void release(MappedRegion region, int slot) {
        if (slot != NONE) {
            region.putLongRelease(holder(slot), 0);
        }
    }

    /**
     * Whether a count of a step with {@code token} goes to the handle's own cell: the handle holds
     * {@code slot} (or its {@link #cells}: anything but {@link #NONE}) and the step holds a slot
     * of the grant.
     */
    static boolean owns(int slot, int token) {
        return slot != NONE && token >= 0 && token < Grant.STEP_SLOTS;
    }

    /** Where the cells of a held {@code slot} begin ({@link #increment}), or {@link #NONE} for none. */
    static int cells(int slot) {
        return slot == NONE ? NONE : cell(slot, 0, 0);
    }

    /**
     * Adds one to the cell of {@code kind} ({@link SyncHandle#ACQUIRED} or {@link SyncHandle#POSTED})
     * of step slot {@code token} among the {@code cells} of the handle's slot ({@link #cells}):
     * only while that step runs ({@link #owns}), which makes the cell the caller's alone.
     */
    static void increment(MappedWords words, int cells, int token, int kind) {
        words.addOwnedLong(cells + (token * 2 + kind) * Long.BYTES, 1);
    }

    /** The counts of {@code kind} in every slot, held or not. */
    static long sum(MappedRegion region, int kind) {
        long total = 0;
        for (int slot = 0; slot < COUNTER_SLOT_COUNT; slot++) {
            for (int token = 0; token < Grant.STEP_SLOTS; token++) {
                total += region.getLongVolatile(cell(slot, token, kind));
            }
        }
        return total;
    }

    /** The counts of {@code kind} in one slot (tests: what one handle counted). */
    static long sumOf(MappedRegion region, int slot, int kind) {
        long total = 0;
        for (int token = 0; token < Grant.STEP_SLOTS; token++) {
            total += region.getLongVolatile(cell(slot, token, kind));
        }
        return total;
    }

    /** Whether a slot is held (tests). */
    static boolean held(MappedRegion region, int slot) {
        return region.getLongVolatile(holder(slot)) != 0;
    }

    private static int holder(int slot) {
        return COUNTER_SLOTS + slot * COUNTER_SLOT_SIZE;
    }

    private static int cell(int slot, int token, int kind) {
        return holder(slot) + CELLS + (token * 2 + kind) * Long.BYTES;
    }
}
