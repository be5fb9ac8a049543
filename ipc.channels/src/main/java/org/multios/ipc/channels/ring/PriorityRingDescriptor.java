package org.multios.ipc.channels.ring;

/**
 * Layout of a {@link PriorityRing} in shared memory, relative to the ring's base offset (which
 * must be 64-byte aligned). Native byte order; every word another process updates sits on its
 * own 64-byte cache line.
 *
 * <pre>
 *  offset (from the ring's base)
 *      0  +-------------------------------------------------------------------+
 *         | capacity N (int) | max message size (int) | slot size (int) |     |  written once
 *         | index ring length C (int, power of two >= N) | magic (int)        |
 *     64  +-------------------------------------------------------------------+
 *         | non-empty priorities bitmap (int): bit p set = ring p may hold    |
 *    128  +-------------------------------------------------------------------+
 *         | message-available sequence (int, futex word)                      |
 *    192  +-------------------------------------------------------------------+
 *         | receivers sleeping on it (int)                                    |
 *    256  +-------------------------------------------------------------------+
 *         | space-available sequence (int, futex word)                        |
 *    320  +-------------------------------------------------------------------+
 *         | senders sleeping on it (int)                                      |
 *    384  +-------------------------------------------------------------------+
 *         | index ring controls, 33 x 128 bytes: ring 0 = free slots,         |
 *         | ring 1 + p = priority p. Each: tail (long, enqueue position),     |
 *         | pad to 64, head (long, dequeue position), pad to 128              |
 *   4608  +-------------------------------------------------------------------+
 *         | index ring entries, 33 x C x 16 bytes, ring after ring:           |
 *         | sequence (long) | slot index (int) | pad (int)                    |
 *         +-------------------------------------------------------------------+
 *         | slots, N x slot size, 64-byte aligned start:                      |
 *         | length (int) | priority (int) | sender (long: kind in the top 8   |
 *         | bits, id below) | sender pid (long) | pad (long) | payload padded  |
 *         | to a multiple of 8                                                |
 *         +-------------------------------------------------------------------+
 * </pre>
 *
 * Each index ring is a bounded multi-producer multi-consumer queue after Dmitry Vyukov: entry
 * {@code i} starts with sequence {@code i}; an enqueuer at position {@code t} may fill the entry
 * when its sequence equals {@code t} and publishes it by storing {@code t + 1}; a dequeuer at
 * position {@code h} may take it when its sequence equals {@code h + 1} and frees it by storing
 * {@code h + C}. Positions are 64-bit and never wrap in practice.
 */
public final class PriorityRingDescriptor {
    /** Bytes of a cache line. */
    public static final int CACHE_LINE = 64;
    /** Marks an initialized ring: "PRNG". */
    public static final int MAGIC = 0x50524e47;
    /** Number of priorities, each with its own index ring. */
    public static final int PRIORITIES = 32;
    /** Number of index rings: the free ring and one per priority. */
    public static final int INDEX_RINGS = PRIORITIES + 1;
    /** Index of the free-slot ring among the index rings. */
    public static final int FREE_RING = 0;

    /** Capacity N: message slots (int). */
    public static final int CAPACITY_OFFSET = 0;
    /** Largest payload in bytes (int). */
    public static final int MAX_MESSAGE_SIZE_OFFSET = 4;
    /** Bytes of one slot, header included (int). */
    public static final int SLOT_SIZE_OFFSET = 8;
    /** Entries C of each index ring, a power of two at least N (int). */
    public static final int INDEX_LENGTH_OFFSET = 12;
    /** {@link #MAGIC}, written last on initialization (int). */
    public static final int MAGIC_OFFSET = 16;
    /** Non-empty priorities bitmap (int). */
    public static final int BITMAP_OFFSET = CACHE_LINE;
    /** Message-available sequence, a futex word (int). */
    public static final int AVAILABLE_SEQUENCE_OFFSET = 2 * CACHE_LINE;
    /** Receivers sleeping on the available sequence (int). */
    public static final int RECEIVERS_SLEEPING_OFFSET = 3 * CACHE_LINE;
    /** Space-available sequence, a futex word (int). */
    public static final int SPACE_SEQUENCE_OFFSET = 4 * CACHE_LINE;
    /** Senders sleeping on the space sequence (int). */
    public static final int SENDERS_SLEEPING_OFFSET = 5 * CACHE_LINE;
    /** First index ring control block. */
    public static final int CONTROLS_OFFSET = 6 * CACHE_LINE;
    /** Bytes of one index ring control block: tail and head, each on its own line. */
    public static final int CONTROL_SIZE = 2 * CACHE_LINE;
    /** Offset of the tail (enqueue position, long) in a control block. */
    public static final int TAIL_OFFSET = 0;
    /** Offset of the head (dequeue position, long) in a control block. */
    public static final int HEAD_OFFSET = CACHE_LINE;
    /** First index ring entry. */
    public static final int ENTRIES_OFFSET = CONTROLS_OFFSET + INDEX_RINGS * CONTROL_SIZE;
    /** Bytes of one index ring entry. */
    public static final int ENTRY_SIZE = 16;
    /** Offset of the sequence (long) in an entry. */
    public static final int ENTRY_SEQUENCE_OFFSET = 0;
    /** Offset of the slot index (int) in an entry. */
    public static final int ENTRY_SLOT_OFFSET = 8;

    /** Bytes of a slot header. */
    public static final int SLOT_HEADER_SIZE = 32;
    /** Offset of the payload length (int) in a slot. */
    public static final int SLOT_LENGTH_OFFSET = 0;
    /** Offset of the priority (int) in a slot. */
    public static final int SLOT_PRIORITY_OFFSET = 4;
    /** Offset of the sender (long: kind ordinal in the top 8 bits, id in the low 56) in a slot. */
    public static final int SLOT_SENDER_OFFSET = 8;
    /** Offset of the sender's pid (long) in a slot. */
    public static final int SLOT_SENDER_PID_OFFSET = 16;

    private PriorityRingDescriptor() {
    }

    /** Entries of each index ring for a capacity: the next power of two. */
    public static int indexLength(int capacity) {
        return capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
    }

    /** Bytes of one slot for a largest payload. */
    public static int slotSize(int maxMessageSize) {
        return SLOT_HEADER_SIZE + align(maxMessageSize, 8);
    }

    /** Offset of the first slot for a capacity. */
    public static long slotsOffset(int capacity) {
        return align(ENTRIES_OFFSET + (long) INDEX_RINGS * indexLength(capacity) * ENTRY_SIZE, CACHE_LINE);
    }

    /** Bytes of a whole ring. */
    public static long length(int capacity, int maxMessageSize) {
        return slotsOffset(capacity) + (long) capacity * slotSize(maxMessageSize);
    }

    static int align(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static long align(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
