package org.multios.ipc.channels.ring;

import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.MappedWords;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.core.step.CounterSlots;

/**
 * The messages and bytes one handle of a queue or a channel sends and receives, counted in a
 * counter slot of its object's file ({@link CounterSlots}): plain stores into cells no other
 * handle writes, inside the step that moved the message, so no shared atomic per message. A
 * handle that got no slot, or a step without a step slot, is told so ({@link #add} false) and
 * counts in the object's shared counters instead. Readers add the slots to the shared counters
 * ({@link #sums}).
 */
public final class HandleCounters {
    /** Counter kinds per step token in a slot. */
    public static final int KINDS = 4;
    /** Counter slot kind: messages sent by the holding handle. */
    public static final int SENT_MESSAGES = 0;
    /** Counter slot kind: bytes sent by the holding handle. */
    public static final int SENT_BYTES = 1;
    /** Counter slot kind: messages received by the holding handle. */
    public static final int RECEIVED_MESSAGES = 2;
    /** Counter slot kind: bytes received by the holding handle. */
    public static final int RECEIVED_BYTES = 3;

    private final CounterSlots slots;
    private final MappedRegion region;
    private final MappedWords words;
    private final int slot;
    /** Where the slot's cells begin ({@link CounterSlots#cells}), or {@link CounterSlots#NONE}. */
    private final int cells;

    /** Claims a slot of {@code slots} for a handle opening on the object mapped by {@code region}. */
    public HandleCounters(CounterSlots slots, MappedRegion region) {
        this.slots = slots;
        this.region = region;
        this.words = region.words();
        this.slot = slots.claim(region, ProcessLiveness.system());
        this.cells = slots.cells(slot);
    }

    /**
     * Counts a message of {@code length} bytes sent or received inside the step with
     * {@code token}; false if the handle or the step has no cell of its own, and the caller counts
     * in the shared counters.
     */
    public boolean add(boolean sent, int length, int token) {
        if (!CounterSlots.owns(cells, token)) {
            return false;
        }
        slots.add(words, cells, token, sent ? SENT_MESSAGES : RECEIVED_MESSAGES, 1);
        slots.add(words, cells, token, sent ? SENT_BYTES : RECEIVED_BYTES, length);
        return true;
    }

    /** Gives the slot back, its counts kept, when the handle closes. */
    public void release() {
        slots.release(region, slot);
    }

    /** The handle's slot, or {@link CounterSlots#NONE}. */
    public int slot() {
        return slot;
    }

    /**
     * What the handles counted in slots of one direction, in the order of
     * {@link PortFiles#addDirection(long[], MappedRegion, int, MessageRing, long, boolean, long, long[])}:
     * messages in (sent by {@code senders}' handles), messages out (received by
     * {@code receivers}'), bytes in, bytes out.
     */
    public static long[] sums(MappedRegion region, CounterSlots senders, CounterSlots receivers) {
        return new long[] { senders.sum(region, SENT_MESSAGES), receivers.sum(region, RECEIVED_MESSAGES),
            senders.sum(region, SENT_BYTES), receivers.sum(region, RECEIVED_BYTES) };
    }
}
