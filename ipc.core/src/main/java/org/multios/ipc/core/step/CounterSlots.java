package org.multios.ipc.core.step;

import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.MappedWords;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.Grant;

/**
 * Counters kept per handle in an object's file, summed by readers: the one rule of counter slots
 * for every mechanism that counts per message or per operation (ipc.sync, ipc.channels). A
 * handle claims a slot when it opens, with one compare-and-set of the slot's holder from 0 (or
 * from a holding process dead for certain) to its process's owner word, and gives it back when
 * it closes; the counts stay in the slot, so the next holder adds to them and nothing counted is
 * ever lost. Within its slot a handle has a cell per kind and per step token: the calling
 * thread's slot of the handle's {@link StepGuard} (or, where that guard has no fence, of its
 * grant's gate, {@link Grant#enterStep}): a thread counts inside the step whose token makes that
 * cell its own, so a count is a plain read and a release store, no atomic operation and no line
 * another handle writes. Handles beyond the slots, and steps counted in the grant's shared
 * counter ({@link #owns} false), add to the object's shared counters atomically instead. One race
 * is left to statistics: a step of a handle still counting while another thread closes the
 * handle may meet the slot's next holder in one cell, and one count may be lost.
 *
 * <p>Layout of one slot ({@link #slotSize} bytes, from {@code base + slot * slotSize}):
 * <pre>
 *   +0   holder (long): owner word of the holding process, 0 free; rest of its line unused
 *   +64  {@link Grant#STEP_SLOTS} groups of {@code kinds} longs, one group per step token:
 *        cell (token, kind) at +64 + (token * kinds + kind) * 8
 * </pre>
 * An instance describes one area of slots of one layout (immutable, shared).
 */
public final class CounterSlots {
    /** No slot: count in the shared counters. */
    public static final int NONE = -1;
    /** Bytes from a slot's start to its first cell (the holder word's cache line). */
    private static final int CELLS = 64;

    private final int base;
    private final int count;
    private final int kinds;
    private final int namespaceOffset;

    /**
     * @param base            offset of slot 0 in the file
     * @param count           slots in the area
     * @param kinds           counters per step token
     * @param namespaceOffset the object's creator's namespaces (long), the home against which
     *                        holders are judged ({@link ProcessLiveness})
     */
    public CounterSlots(int base, int count, int kinds, int namespaceOffset) {
        this.base = base;
        this.count = count;
        this.kinds = kinds;
        this.namespaceOffset = namespaceOffset;
    }

    /** Bytes of one slot of {@code kinds} counters per step token. */
    public static int slotSize(int kinds) {
        return CELLS + Grant.STEP_SLOTS * kinds * Long.BYTES;
    }

    /** Slots in the area. */
    public int count() {
        return count;
    }

    /** Where the area ends (the offset after its last slot). */
    public int end() {
        return base + count * slotSize(kinds);
    }

    /**
     * Claims a slot for a handle of this process: a free one, or one whose holding process is dead
     * for certain ({@link ProcessLiveness}).
     *
     * @return the slot, or {@link #NONE} if every slot is held, the file is read-only, or this
     *         process cannot own shared objects
     */
    public int claim(MappedRegion region, ProcessLiveness liveness) {
        if (!region.isWritable()) {
            return NONE;
        }
        long home = region.getLongVolatile(namespaceOffset);
        long me;
        try {
            me = liveness.currentProcessWord(home);
        } catch (IpcException cannotOwn) {
            return NONE;
        }
        for (int slot = 0; slot < count; slot++) {
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
    public void release(MappedRegion region, int slot) {
        if (slot != NONE) {
            region.putLongRelease(holder(slot), 0);
        }
    }

    /**
     * Whether a count of a step with {@code token} goes to the handle's own cell: the handle holds
     * a slot ({@code cells}, from {@link #cells}, is not {@link #NONE}) and the step holds a slot
     * of its guard.
     */
    public static boolean owns(int cells, int token) {
        return cells != NONE && token >= 0 && token < Grant.STEP_SLOTS;
    }

    /** Where the cells of a held {@code slot} begin ({@link #add}), or {@link #NONE} for none. */
    public int cells(int slot) {
        return slot == NONE ? NONE : cell(slot, 0, 0);
    }

    /**
     * Adds {@code delta} to the cell of {@code kind} of step slot {@code token} among the
     * {@code cells} of the handle's slot ({@link #cells}): only while that step runs
     * ({@link #owns}), which makes the cell the caller's alone.
     */
    public void add(MappedWords words, int cells, int token, int kind, long delta) {
        words.addOwnedLong(cells + (token * kinds + kind) * Long.BYTES, delta);
    }

    /**
     * The counts of {@code kind} in every slot, held or not; a reader of a file another process
     * may have written gets whatever sum its words make, never an exception.
     */
    public long sum(MappedRegion region, int kind) {
        long total = 0;
        for (int slot = 0; slot < count; slot++) {
            total += sumOf(region, slot, kind);
        }
        return total;
    }

    /** The counts of {@code kind} in one slot (what its holders counted). */
    public long sumOf(MappedRegion region, int slot, int kind) {
        long total = 0;
        for (int token = 0; token < Grant.STEP_SLOTS; token++) {
            total += region.getLongVolatile(cell(slot, token, kind));
        }
        return total;
    }

    /** Whether a slot is held. */
    public boolean held(MappedRegion region, int slot) {
        return region.getLongVolatile(holder(slot)) != 0;
    }

    /** The offset of a slot's holder word. */
    public int holder(int slot) {
        return base + slot * slotSize(kinds);
    }

    /** The offset of a cell. */
    public int cell(int slot, int token, int kind) {
        return holder(slot) + CELLS + (token * kinds + kind) * Long.BYTES;
    }
}
