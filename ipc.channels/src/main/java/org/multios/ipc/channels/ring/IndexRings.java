package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The index rings of a {@link PriorityRing} (the free ring and one per priority): bounded
 * multi-producer multi-consumer queues of slot indices whose entries are single words, so that
 * claiming a position and publishing it are one compare-and-set, and whose head and tail are
 * hints anyone advances ({@link PriorityRingDescriptor} has the words). Taking the head index
 * owns its slot first; a foreign owner on the head slot is waited on through
 * {@link #holdUp}, which the recovery layer implements.
 *
 * <p><b>Hostile writers.</b> No loop here spins forever on words another process may have
 * overwritten: waits on an owner are bounded by time, passes over entries by {@link #LOOP_LIMIT},
 * and states an intact ring cannot show (an entry a lap behind an unmoved head or tail, a slot
 * index beyond the capacity) give {@link IpcError#CORRUPTED}.
 */
abstract class IndexRings extends RingLayout {
    /**
     * Most passes a ring operation makes over words that show no progress of its own before it
     * calls the ring corrupted: an intact ring needs a pass per competing thread that beat it.
     */
    static final int LOOP_LIMIT = 1 << 20;
    private static final long SLOT_MASK = ENTRY_FULL - 1;

    /** The owner word this attachment writes into the slots it owns (this process, or a test's). */
    final long self;

    IndexRings(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, int freeScale,
            long self, RingSteps.Hook hook) {
        super(region, base, capacity, maxMessageSize, budget, freeScale, hook);
        this.self = self;
    }

    /**
     * Waits while a foreign owner holds a slot the caller needs, checking its liveness now and
     * then and recovering the slot if it is dead.
     *
     * @param spins how often the caller has waited on this owner so far
     * @param since when the caller started to wait on it (0: not yet)
     * @return when the wait started, or 0 to tell the caller to give up
     */
    abstract long holdUp(int slot, long owner, int spins, long since);

    /**
     * Gives up a slot this thread owns and was using when it threw (see
     * {@link SlotRecovery#abandon}).
     *
     * @return the throwable, unchecked, to rethrow
     */
    abstract RuntimeException abandon(int slot, Throwable thrown);

    /** The entry word of a free position of index ring {@code ring}. */
    final long freeWord(int ring, long position) {
        return lap(ring, position) << ENTRY_LAP_SHIFT;
    }

    /** The entry word of a position of index ring {@code ring} holding a slot. */
    final long fullWord(int ring, long position, int slot) {
        return (lap(ring, position) << ENTRY_LAP_SHIFT) | ENTRY_FULL | slot;
    }

    /** The lap of an entry word less the lap of a position of index ring {@code ring}, modulo 2^39 with sign. */
    private long lapDifference(long word, int ring, long position) {
        return (((word >>> ENTRY_LAP_SHIFT) - lap(ring, position)) << ENTRY_LAP_SHIFT) >> ENTRY_LAP_SHIFT;
    }

    /**
     * Puts an index on a ring with one compare-and-set of the entry. An intact index ring has room
     * for every slot and its tail hint is at most one position behind the last filled entry, so
     * this never waits for anyone.
     *
     * @param step the hook step right after the entry is filled, or 0
     * @throws IpcException CORRUPTED if the entry words cannot be those of an intact ring (a
     *                      previous lap still there, a lap behind its position, or no end to
     *                      positions already filled)
     */
    final void enqueue(int ring, int slot, int step) {
        long tail = control(ring) + TAIL_OFFSET;
        for (int loops = 0;; loops++) {
            if (loops > LOOP_LIMIT) {
                throw stalled(ring, "no free entry after " + LOOP_LIMIT + " passes");
            }
            long t = words.getLongVolatile(tail);
            long e = entry(ring, t);
            long w = words.getLongVolatile(e);
            long d = lapDifference(w, ring, t);
            if (d == 0) {
                if ((w & ENTRY_FULL) == 0) {
                    if (words.compareAndSetLong(e, w, fullWord(ring, t, slot))) {
                        if (step != 0) {
                            step(step);
                        }
                        words.compareAndSetLong(tail, t, t + 1);
                        return;
                    }
                } else {
                    words.compareAndSetLong(tail, t, t + 1); // filled, its tail not advanced yet
                }
            } else if (d > 0) {
                // position t was filled (and taken since) by a process that died before it
                // advanced the tail: help
                words.compareAndSetLong(tail, t, t + 1);
            } else if (words.getLongVolatile(tail) == t) {
                // the entry a lap (or more) behind an unmoved tail: every position before the tail
                // was filled, so an intact ring cannot show that; and a previous lap still full
                // would mean more slots on the ring than it has entries
                throw stalled(ring, "an entry " + (-d) + " lap(s) behind its tail " + t
                        + ((w & ENTRY_FULL) != 0 ? ", still full" : ", free"));
            }
        }
    }

    final IpcException stalled(int ring, String problem) {
        return new IpcException(IpcError.CORRUPTED, "message ring " + (ring == FREE_RING ? "of free slots"
                : "of priority " + (ring - 1)) + " has " + problem + " (overwritten by another process?)");
    }

    /**
     * Takes the head index of a ring, owning its slot first.
     *
     * @param maxLength the longest message the caller takes, or -1 for any
     * @param tooLarge  filled with the head message's header when it is longer than
     *                  {@code maxLength} (may be null)
     * @return the slot; {@link RingStatus#EMPTY}; {@link RingStatus#BUSY} if a live owner held
     *         the head longer than {@link SlotRecovery#GIVE_UP_NANOS}; or
     *         {@link RingStatus#TOO_LARGE}, the message left where it is
     * @throws IpcException CORRUPTED if the entry words cannot be those of an intact ring
     */
    final int take(int ring, int maxLength, MessageInfo tooLarge, int claimedStep, int takenStep) {
        long head = control(ring) + HEAD_OFFSET;
        int spins = 0;
        long since = 0;
        long heldBy = 0;
        long heldAt = -1;
        for (int loops = 0;; ) {
            long h = words.getLongVolatile(head);
            long e = entry(ring, h);
            long w = words.getLongVolatile(e);
            long d = lapDifference(w, ring, h);
            if (d == 0) {
                if ((w & ENTRY_FULL) == 0) {
                    return RingStatus.EMPTY;
                }
                int slot = (int) (w & SLOT_MASK);
                long s = slot(slot);
                if (maxLength >= 0) {
                    int length = words.getInt(s + SLOT_LENGTH_OFFSET);
                    // a length no sender can write is taken, for poll to drop, rather than kept forever
                    if (length > maxLength && length <= maxMessageSize) {
                        if (words.getLongVolatile(e) == w) {
                            describe(s, length, ring - 1, tooLarge);
                            return RingStatus.TOO_LARGE;
                        }
                        loops = count(ring, loops);
                        continue;
                    }
                }
                long owner = words.getLongVolatile(s + SLOT_OWNER_OFFSET);
                if (owner == 0) {
                    if (words.compareAndSetLong(s + SLOT_OWNER_OFFSET, 0, self)) {
                        if (words.getLongVolatile(e) == w) {
                            try {
                                step(claimedStep);
                                // a release store: the head's compare-and-set below orders it
                                // before anything later, and whoever fills the entry next got
                                // here through that or through the slot's own release
                                words.putLongRelease(e, freeWord(ring, h + entries(ring)));
                                step(takenStep);
                            } catch (Throwable t) {
                                throw abandon(slot, t);
                            }
                            words.compareAndSetLong(head, h, h + 1);
                            return slot;
                        }
                        words.putLongRelease(s + SLOT_OWNER_OFFSET, 0); // moved on meanwhile
                    }
                    loops = count(ring, loops);
                    continue;
                }
                if (owner != heldBy || h != heldAt) {
                    heldBy = owner;
                    heldAt = h;
                    spins = 0;
                    since = 0;
                }
                // waiting on an owner is bounded by time, not by passes
                since = holdUp(slot, owner, spins++, since);
                if (since == 0) {
                    return RingStatus.BUSY;
                }
            } else if (d > 0) {
                // position h was taken (and the entry maybe filled again for the next lap) by a
                // process that died before it advanced the head: help
                words.compareAndSetLong(head, h, h + 1);
                loops = count(ring, loops);
            } else {
                behind(ring, head, h, d);
                loops = count(ring, loops);
            }
        }
    }

    /** Counts a pass of a ring loop. @throws IpcException CORRUPTED past {@link #LOOP_LIMIT} */
    private int count(int ring, int loops) {
        if (loops >= LOOP_LIMIT) {
            throw stalled(ring, "no end to entries taken ahead of its head after " + LOOP_LIMIT + " passes");
        }
        return loops + 1;
    }

    /**
     * An entry a lap behind the head: only a stale head can show that (every position before the
     * head was taken).
     *
     * @throws IpcException CORRUPTED if the head has not moved
     */
    private void behind(int ring, long head, long h, long d) {
        if (words.getLongVolatile(head) == h) {
            throw stalled(ring, "an entry " + (-d) + " lap(s) behind its head " + h);
        }
    }

    /** Whether index ring {@code ring} holds no index at its head. */
    final boolean ringEmpty(int ring) {
        long head = control(ring) + HEAD_OFFSET;
        for (int loops = 0;; loops = count(ring, loops)) {
            long h = words.getLongVolatile(head);
            long w = words.getLongVolatile(entry(ring, h));
            long d = lapDifference(w, ring, h);
            if (d == 0) {
                return (w & ENTRY_FULL) == 0;
            }
            if (d > 0) {
                words.compareAndSetLong(head, h, h + 1);
            } else {
                behind(ring, head, h, d);
            }
        }
    }

    /**
     * Whether position {@code position} of index ring {@code ring} was ever filled: its entry
     * shows that position full, or a later lap. Positions are filled in order (an enqueue fills
     * the tail's position, and the tail passes a position only once it is filled), so every
     * earlier position was filled too. One read of the entry word, no help, no wait; an entry
     * another process overwrote may answer wrong but never throws.
     */
    final boolean filled(int ring, long position) {
        long w = words.getLongVolatile(entry(ring, position));
        long d = lapDifference(w, ring, position);
        return d > 0 || d == 0 && (w & ENTRY_FULL) != 0;
    }

    /**
     * Messages at most on index ring {@code ring} now, as the entries just behind its tail show,
     * or -1 if they do not show at most {@code limit}: the tail's own entry must be free (no
     * position filled past the hint), and one of the {@code limit + 1} positions before it taken
     * (its entry a lap on). Positions are taken in order (the head passes a position only once
     * its entry was emptied), so every position before a taken one was taken too. Reads only the
     * tail (written by senders) and entries beside the one a sender just filled: a line a
     * sender's core holds, where the head is the receivers'. One look, no help, no wait; an entry
     * another process overwrote may answer wrong but never throws.
     */
    final int depthNearTail(int ring, int limit) {
        long t = words.getLongVolatile(control(ring) + TAIL_OFFSET);
        long w = words.getLongVolatile(entry(ring, t));
        if (lapDifference(w, ring, t) != 0 || (w & ENTRY_FULL) != 0) {
            return -1; // filled past the tail hint, or not a picture of an intact ring
        }
        for (int k = 0; k <= limit; k++) {
            long position = t - 1 - k;
            if (position < 0) {
                return k;
            }
            long v = words.getLongVolatile(entry(ring, position));
            long d = lapDifference(v, ring, position);
            if (d > 0) {
                return k; // taken, and every position before it
            }
            if (d < 0 || (v & ENTRY_FULL) == 0) {
                return -1;
            }
        }
        return -1;
    }

    /** The index ring holding {@code slot}, or -1; stable while the caller owns the slot. */
    final int locate(int slot) {
        for (int r = 0; r < INDEX_RINGS; r++) {
            for (int i = 0, n = entries(r); i < n; i++) {
                long w = region.getLongVolatile(entry(r, i));
                if ((w & ENTRY_FULL) != 0 && (w & SLOT_MASK) == slot) {
                    return r;
                }
            }
        }
        return -1;
    }

    /** Messages on the priority rings now (including ones being published), 0 to capacity. */
    public final int size() {
        return size(region, base, capacity);
    }

    /**
     * {@link #size()} of the ring at {@code base} of {@code region}, which may be a copy of the file
     * (up to the ring's {@link PriorityRingDescriptor#ENTRIES_OFFSET} at least).
     */
    static int size(MappedRegion region, long base, long capacity) {
        long n = 0;
        for (int p = 0; p < PRIORITIES; p++) {
            long c = base + CONTROLS_OFFSET + (long) (1 + p) * CONTROL_SIZE;
            n += region.getLongVolatile(c + TAIL_OFFSET) - region.getLongVolatile(c + HEAD_OFFSET);
        }
        return (int) Math.max(0, Math.min(capacity, n));
    }

    /** Writes the index rings of a new ring: every slot on the free ring. */
    final void layOut() {
        for (int r = 0; r < INDEX_RINGS; r++) {
            for (int i = 0, n = entries(r); i < n; i++) {
                region.putLong(entry(r, i), freeWord(r, i));
            }
            region.putLong(control(r) + TAIL_OFFSET, 0);
            region.putLong(control(r) + HEAD_OFFSET, 0);
        }
        for (int slot = 0; slot < capacity; slot++) {
            region.putLong(entry(FREE_RING, slot), fullWord(FREE_RING, slot, slot));
            region.putLong(slot(slot) + SLOT_OWNER_OFFSET, 0);
            region.putInt(slot(slot) + SLOT_BUDGETED_OFFSET, 0);
        }
        region.putLong(control(FREE_RING) + TAIL_OFFSET, capacity);
    }
}
