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
 *         | index ring length C (int, power of two >= N) | magic (int: PRN4, |
 *         | or PRN3 for the layout before, see "Free ring")                   |
 *         | byte budget B (int, 0 = none) | slots recovered (long, @24)       |
 *         | home namespaces of the slot owners (long, @32)                    |
 *         | checksums (int, @40): 1 = every slot carries a CRC32C (durable)   |
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
 *         | bytes word (long): bytes queued (low 32 bits) | pending op (high  |
 *         | 32 bits: 0, or (slot + 1) << 1 | op, op 0 = reserve, 1 = give    |
 *         | back); used only with a byte budget                               |
 *    448  +-------------------------------------------------------------------+
 *         | index ring controls, 33 x 128 bytes: ring 0 = free slots,         |
 *         | ring 1 + p = priority p. Each: tail (long, enqueue hint),         |
 *         | pad to 64, head (long, dequeue hint), pad to 128                  |
 *   4672  +-------------------------------------------------------------------+
 *         | index ring entries, one word each: the free ring's F, then each   |
 *         | priority's C, ring after ring ((F + 32 x C) x 8 bytes; F = 2C in  |
 *         | a PRN4 ring, F = C in a PRN3 ring):                               |
 *         | 63           25   24    23                 0                     |
 *         | [ lap (39 bits) | full | slot index (24 bits) ]                  |
 *         +-------------------------------------------------------------------+
 *         | slots, N x slot size, 64-byte aligned start:                      |
 *         | +0 length (int) | +4 priority (int) | +8 sender (long: kind in   |
 *         | the top 8 bits, id below) | +16 sender pid (long) | +24 owner    |
 *         | (long: 0, or the owner word of the process moving it: start tick |
 *         | << 32 | foreign bit 30 | pid, see ProcessLiveness.ownerWord)     |
 *         | +32 holds budget bytes (int) | +36 checksum (int: CRC32C of      |
 *         | bytes 0..23 and the payload; unused without checksums)            |
 *         | +40 payload padded to 8                                           |
 *         +-------------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Index rings.</b> Each is a bounded multi-producer multi-consumer queue of slot indices
 * whose entries are single words, so that claiming a position and publishing it are one
 * compare-and-set: entry {@code i} of a ring of {@code C} entries (F for the free ring) serves
 * positions {@code i, i + C, i + 2C, ...}; for position {@code pos} (lap {@code pos / C}) it reads
 * {@code [lap, 0, 0]} when free and
 * {@code [lap, 1, slot]} when it holds {@code slot}. Enqueuing at the tail position {@code t}
 * swaps {@code [lap(t), 0, 0]} for {@code [lap(t), 1, slot]}; dequeuing at the head position
 * {@code h} swaps {@code [lap(h), 1, slot]} for {@code [lap(h) + 1, 0, 0]}. Tail and head are
 * only hints that anyone advances by one when it finds the entry they point at already filled
 * or emptied, so a process killed after its swap never stalls a ring, and one killed before it
 * changed nothing. Laps are kept modulo 2^39 and compared with wrap-around; a thread would have
 * to stall across 2^39 laps of one ring to be fooled.
 *
 * <p><b>Free ring.</b> A ring of magic {@code PRN4} (channel layout 7, queue layout 6 on) has a
 * free ring of {@code F = 2C} entries ({@link #freeLength}): the entry a receiver fills when it
 * gives a slot back (position {@code p + N}) never lies on the line of the entries senders take
 * from next ({@code p + 1} on), so a sender and a receiver meeting message after message do not
 * trade that line at every one. A ring of magic {@code PRN3} (channel layout 6, queue layout 5:
 * durable queues made before) has {@code F = C} and is otherwise the same; it is attached and used
 * as it is ({@link #freeScale}), never converted: processes of the earlier build may share it.
 *
 * <p><b>Slots and their owner.</b> A slot index is in at most one index ring. Only the process
 * that holds a slot's owner word (set from 0 with a compare-and-set before it takes the index
 * off a ring, cleared after it put the index on the next ring) may move it, so a slot whose
 * owner is dead stays where it is: a recoverer swaps the dead owner for itself, looks for the
 * index in all 33 rings, and if no ring has it (its sender died before publishing, or its
 * receiver died after taking it) returns it to the free ring; a message is therefore published
 * whole or never. In a ring with checksums a slot on no ring whose bytes match its checksum is
 * published again instead, at the tail of its priority: a receiver that dies while it reads a
 * message in place (or copies it out) loses nothing, the message is received again; receivers
 * invalidate the checksum before they free a slot, so a consumed message never comes back. The
 * owner's pid and start tick (field 22 of its stat, the same number in every process) let a reused pid be told apart; an owner whose PID and time namespaces are not the
 * ring's home ones (the initializer's) carries the foreign bit and is never judged dead.
 *
 * <p><b>Checksums</b> (durable queues). A ring laid out with checksums has each sender write, before
 * it publishes a slot, the CRC32C of the slot's length, priority, sender and sender pid (bytes 0 to
 * 23) and of its payload; a receiver computes it again when it takes the slot, and drops a message
 * whose sum differs with CORRUPTED naming the file and the slot's offset (a page torn by a power
 * loss during write-back, or bytes overwritten on disk), the other messages staying as they are.
 * A ring of an earlier layout has 0 at {@link #CHECKSUMS_OFFSET} and no sums; queue files whose
 * rings carry them have their own layout version (QueueDescriptor).
 *
 * <p><b>Byte budget</b> (channels). A sender that holds a slot reserves its bytes by swapping the
 * bytes word {@code [q, 0]} for {@code [q + len, reserve slot]}, marks the slot as holding budget
 * bytes, then clears the pending op; a receiver gives them back the same way. While an op is
 * pending others wait; if the slot's owner died meanwhile a recoverer completes the op from the
 * word and the slot's length, so the budget never leaks.
 */
public final class PriorityRingDescriptor {
    /** Bytes of a cache line. */
    public static final int CACHE_LINE = 64;
    /**
     * Marks an initialized ring of this layout: "PRN4" (one-word entries, slot owners with start
     * ticks, a free ring of twice the priorities' entries). New rings get it.
     */
    public static final int MAGIC = 0x50524e34;
    /** Marks a ring of the layout before: "PRN3", a free ring of as many entries as a priority's. */
    public static final int MAGIC_PRN3 = 0x50524e33;
    /** {@link #freeScale} of a {@link #MAGIC} ring: its free ring has 2C entries. */
    public static final int FREE_SCALE = 2;
    /** {@link #freeScale} of a {@link #MAGIC_PRN3} ring: its free ring has C entries. */
    public static final int FREE_SCALE_PRN3 = 1;
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
    /** Byte budget of the ring, 0 for none (int). */
    public static final int BYTE_BUDGET_OFFSET = 20;
    /** Slots given back by recovery after their owner died (long). */
    public static final int RECOVERED_OFFSET = 24;
    /** Namespaces of the slot owners that may be judged dead: ProcessLiveness.namespaces() (long). */
    public static final int HOME_NAMESPACE_OFFSET = 32;
    /** 1 if every slot carries a checksum ({@link #SLOT_CHECKSUM_OFFSET}), 0 if none does (int). */
    public static final int CHECKSUMS_OFFSET = 40;
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
    /** Bytes word: bytes queued and a pending budget op (long). */
    public static final int BYTES_OFFSET = 6 * CACHE_LINE;
    /** First index ring control block. */
    public static final int CONTROLS_OFFSET = 7 * CACHE_LINE;
    /** Bytes of one index ring control block: tail and head, each on its own line. */
    public static final int CONTROL_SIZE = 2 * CACHE_LINE;
    /** Offset of the tail (enqueue position, long) in a control block. */
    public static final int TAIL_OFFSET = 0;
    /** Offset of the head (dequeue position, long) in a control block. */
    public static final int HEAD_OFFSET = CACHE_LINE;
    /** First index ring entry. */
    public static final int ENTRIES_OFFSET = CONTROLS_OFFSET + INDEX_RINGS * CONTROL_SIZE;
    /** Bytes of one index ring entry: one word. */
    public static final int ENTRY_SIZE = 8;
    /** Bits of the slot index in an entry word. */
    public static final int ENTRY_SLOT_BITS = 24;
    /** The "full" bit of an entry word. */
    public static final long ENTRY_FULL = 1L << ENTRY_SLOT_BITS;
    /** Where the lap starts in an entry word. */
    public static final int ENTRY_LAP_SHIFT = ENTRY_SLOT_BITS + 1;
    /** Most slots a ring may have. */
    public static final int MAX_CAPACITY = 1 << ENTRY_SLOT_BITS;

    /** Bytes of a slot header. */
    public static final int SLOT_HEADER_SIZE = 40;
    /** Offset of the payload length (int) in a slot. */
    public static final int SLOT_LENGTH_OFFSET = 0;
    /** Offset of the priority (int) in a slot. */
    public static final int SLOT_PRIORITY_OFFSET = 4;
    /** Offset of the sender (long: kind ordinal in the top 8 bits, id in the low 56) in a slot. */
    public static final int SLOT_SENDER_OFFSET = 8;
    /** Offset of the sender's pid (long) in a slot. */
    public static final int SLOT_SENDER_PID_OFFSET = 16;
    /** Offset of the owner (long: 0, or start second &lt;&lt; 32 | pid) in a slot. */
    public static final int SLOT_OWNER_OFFSET = 24;
    /** Offset of the "holds budget bytes" flag (int) in a slot. */
    public static final int SLOT_BUDGETED_OFFSET = 32;
    /** Offset of the CRC32C of a slot's first {@link #SLOT_CHECKED_HEADER} bytes and payload (int). */
    public static final int SLOT_CHECKSUM_OFFSET = 36;
    /** Bytes of a slot's header its checksum covers: length, priority, sender, sender pid. */
    public static final int SLOT_CHECKED_HEADER = 24;

    private PriorityRingDescriptor() {
    }

    /** Entries of each priority's index ring for a capacity: the next power of two. */
    public static int indexLength(int capacity) {
        return capacity <= 1 ? 1 : Integer.highestOneBit(capacity - 1) << 1;
    }

    /**
     * Entries of the free ring per entry of a priority's ring in a ring of {@code magic}:
     * {@link #FREE_SCALE} for {@link #MAGIC}, {@link #FREE_SCALE_PRN3} for {@link #MAGIC_PRN3}, 0
     * for any other word (no ring of a known layout).
     */
    public static int freeScale(int magic) {
        return magic == MAGIC ? FREE_SCALE : magic == MAGIC_PRN3 ? FREE_SCALE_PRN3 : 0;
    }

    /** The magic of a ring whose free ring has {@code freeScale} times a priority's entries. */
    public static int magic(int freeScale) {
        return freeScale == FREE_SCALE_PRN3 ? MAGIC_PRN3 : MAGIC;
    }

    /**
     * Entries of the free ring of a new ring for a capacity: twice {@link #indexLength}, so that
     * the entry a receiver fills when it gives a slot back (position p + N) never lies on the
     * line of the entries senders take from next (p + 1 onward), as it did with C = N entries
     * (p + N and p share an entry).
     */
    public static int freeLength(int capacity) {
        return freeLength(capacity, FREE_SCALE);
    }

    /** Entries of the free ring for a capacity and a {@link #freeScale} (1 or 2). */
    public static int freeLength(int capacity, int freeScale) {
        return freeScale * indexLength(capacity);
    }

    /** Offset of the entry serving {@code position} of index ring {@code ring} of a new ring. */
    public static long entryOffset(int capacity, int ring, long position) {
        return entryOffset(capacity, FREE_SCALE, ring, position);
    }

    /** Offset of the entry serving {@code position} of index ring {@code ring}, for a capacity and a free scale. */
    public static long entryOffset(int capacity, int freeScale, int ring, long position) {
        long c = indexLength(capacity);
        long f = freeLength(capacity, freeScale);
        return ring == FREE_RING ? ENTRIES_OFFSET + (position & (f - 1)) * ENTRY_SIZE
                : ENTRIES_OFFSET + (f + (ring - 1) * c + (position & (c - 1))) * ENTRY_SIZE;
    }

    /** Bytes of one slot for a largest payload. */
    public static int slotSize(int maxMessageSize) {
        return SLOT_HEADER_SIZE + align(maxMessageSize, 8);
    }

    /** Offset of the first slot of a new ring for a capacity. */
    public static long slotsOffset(int capacity) {
        return slotsOffset(capacity, FREE_SCALE);
    }

    /** Offset of the first slot for a capacity and a free scale. */
    public static long slotsOffset(int capacity, int freeScale) {
        return align(ENTRIES_OFFSET + ((long) freeLength(capacity, freeScale) + (long) PRIORITIES
                * indexLength(capacity)) * ENTRY_SIZE, CACHE_LINE);
    }

    /** Bytes of a whole new ring. */
    public static long length(int capacity, int maxMessageSize) {
        return length(capacity, maxMessageSize, FREE_SCALE);
    }

    /** Bytes of a whole ring for a capacity, a largest payload and a free scale. */
    public static long length(int capacity, int maxMessageSize, int freeScale) {
        return slotsOffset(capacity, freeScale) + (long) capacity * slotSize(maxMessageSize);
    }

    static int align(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }

    static long align(long value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
