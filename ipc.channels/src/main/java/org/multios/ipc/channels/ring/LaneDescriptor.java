package org.multios.ipc.channels.ring;

import org.multios.ipc.core.mapped.MappedRegion;

/**
 * Layout of a {@link LaneRing} in shared memory, relative to the lane's base offset (64-byte
 * aligned): one direction of messages kept in place, first in first out, as records in a ring of
 * bytes. Native byte order; the words each side writes at every message sit on lines of that
 * side's own, or in the record itself: a receiver learns of a message from the record's frame
 * length, on the line it reads the message from, and a sender reads the head only when its
 * cached copy says full.
 *
 * <pre>
 *  offset (from the lane's base)
 *      0  +-------------------------------------------------------------------+
 *         | magic (int: LAN3) | capacity C (int: record bytes, power of two)  |  written once
 *         | max message size (int) | (unused int)                           |
 *         | home namespaces of the owners (long, @16)                         |
 *         | owners recovered (long, @24): dead senders and receivers replaced |
 *    128  +-------------------------------------------------------------------+
 *         | message-available sequence, receivers sleeping, space-available   |
 *         | sequence, senders sleeping: 4 lines at PriorityRingDescriptor's   |
 *         | offsets (RingSignals)                                             |
 *    384  +-------------------------------------------------------------------+
 *         | sender's owner word (long): 0, the process copying a message in,  |  senders only
 *         | or the thread holding a claim (its word | bit 31; a virtual       |
 *         | thread's: the process's | bit 31)                                 |
 *         | senders turned away (long, @+8): set by a try that found it held  |
 *    448  +-------------------------------------------------------------------+
 *         | tail (long): record bytes ever published (the senders' own; a     |  sender writes
 *         | sender killed between a frame and the tail leaves it behind)      |
 *    512  +-------------------------------------------------------------------+
 *         | receiver's owner word (long) | taking (long, @+8): the head the  |  receivers only
 *         | receiver moves to once it has read the record it is reading       |
 *         | receivers turned away (long, @+16): as the senders'               |
 *    576  +-------------------------------------------------------------------+
 *         | head (long): record bytes ever consumed                           |  receiver writes,
 *         |                                                                   |  sender reads
 *    640  +-------------------------------------------------------------------+
 *         | records, C bytes, at position p & (C - 1):                        |
 *         | +0 frame length (int: 24 + the message's length, written last     |
 *         | with a release store; 0: nothing published here yet; PADDING: the |
 *         | rest of the ring is unused, the next record starts at offset 0)  |
 *         | +4 priority (int) | +8 sender (long: kind in the top 8 bits, id   |
 *         | below) | +16 sender pid (long) | +24 payload, padded to 8         |
 *         +-------------------------------------------------------------------+
 * </pre>
 *
 * <p><b>Sending</b> takes the sender's owner word from 0 with a compare-and-set (one sender at a
 * time, in any process), clears the frame length where the next record will start (so a record
 * needs 8 bytes of room past its end), writes the record at the tail, publishes it with a
 * release store of its frame length (where it would not fit before the ring's end: at offset 0,
 * then a release store of the padding record at the tail), moves the tail and clears the owner
 * word. The frame length at the tail is therefore 0 until a record is published there, and the
 * receiver reads no word of the senders' but the record. A sender killed before its frame length
 * store leaves nothing visible, and the next sender that finds its owner word dead takes it over
 * and writes over what it left; one killed after it leaves the tail behind, and the next sender
 * moves the tail past the records published (as it does for a tail a hostile writer moved).
 *
 * <p><b>Receiving</b> takes the receiver's owner word the same way, reads the record at the head,
 * writes {@code taking} (the head after this record) before it copies the record out or hands it
 * to a handler, then stores the head with a release store and clears the owner word. The next
 * receiver that finds a dead receiver's owner word moves the head to {@code taking} if it lies
 * ahead: a message a receiver died reading is lost, never delivered twice (as a
 * {@link PriorityRing} without checksums does).
 *
 * <p><b>Owner words</b> ({@code ProcessLiveness.ownerWord}): a side held within one call (a copy
 * in or out) names the process; one held across the caller's code (a claim until its commit, a
 * handler reading in place) names the platform thread, with bit 31 set (a virtual thread's, the
 * process, with bit 31: it has no operating-system thread of its own). So any attachment, in any
 * process, takes a side over from a platform thread that ended holding it, and the holding thread
 * is told so through any attachment.
 *
 * <p><b>Hostile writers</b>: a record's frame length is checked against the largest message and
 * the ring's end before its bytes are read; a record that cannot be true is CORRUPTED and the
 * messages queued behind it are dropped with it (no record boundary after it can be trusted).
 */
public final class LaneDescriptor {
    /**
     * Marks an initialized lane: "LAN3" (records published by their frame length; a side handed
     * back with no fence, the waiters fencing instead, {@link LaneSides}). Builds that fenced
     * their own hand-backs and not their waiters (LAN2) refuse it, and it them: the two cannot
     * share a lane without losing wake-ups.
     */
    public static final int MAGIC = 0x4c414e33;

    /** Magic (int). */
    public static final int MAGIC_OFFSET = 0;
    /** Capacity in record bytes, a power of two (int). */
    public static final int CAPACITY_OFFSET = 4;
    /** Largest message in bytes (int). */
    public static final int MAX_MESSAGE_SIZE_OFFSET = 8;
    /** Home PID and time namespaces of the owner words (long). */
    public static final int HOME_NAMESPACE_OFFSET = 16;
    /** Owners (processes, threads) dead for certain replaced since the lane was made (long). */
    public static final int RECOVERED_OFFSET = 24;
    /** The sender's owner word (long): 0, a process's word, or a thread's word with bit 31 set. */
    public static final int SENDER_OFFSET = 384;
    /**
     * Set (to 1) by a sender's try that found the senders' side held and reports FULL; the holder
     * reads it after it hands the side back and, if set, clears it and wakes sleepers (long).
     */
    public static final int SENDERS_TURNED_AWAY_OFFSET = 392;
    /** Record bytes ever published (long). */
    public static final int TAIL_OFFSET = 448;
    /** The receiver's owner word (long), as {@link #SENDER_OFFSET}'s. */
    public static final int RECEIVER_OFFSET = 512;
    /** Where the head moves once the record being read is read (long). */
    public static final int TAKING_OFFSET = 520;
    /** As {@link #SENDERS_TURNED_AWAY_OFFSET}, for receivers' tries that report EMPTY (long). */
    public static final int RECEIVERS_TURNED_AWAY_OFFSET = 528;
    /** Record bytes ever consumed (long). */
    public static final int HEAD_OFFSET = 576;
    /** Start of the records. */
    public static final int RECORDS_OFFSET = 640;

    /**
     * In a record: its frame length, {@link #RECORD_HEADER_SIZE} plus the message's length (int),
     * written last; 0 where no record is published yet, or {@link #PADDING}.
     */
    public static final int FRAME_LENGTH_OFFSET = 0;
    /** In a record: the message's priority (int). */
    public static final int RECORD_PRIORITY_OFFSET = 4;
    /** In a record: the sender, kind and id (long). */
    public static final int RECORD_SENDER_OFFSET = 8;
    /** In a record: the sender's OS process (long). */
    public static final int RECORD_SENDER_PID_OFFSET = 16;
    /** Bytes of a record before its payload. */
    public static final int RECORD_HEADER_SIZE = 24;
    /** A frame length that says the ring's end is unused. */
    public static final int PADDING = -1;
    /** Records start at multiples of this. */
    public static final int RECORD_ALIGNMENT = 8;

    /** Largest capacity: record positions stay far from overflowing and offsets fit an int. */
    public static final int MAX_CAPACITY = 1 << 30;

    private LaneDescriptor() {
    }

    /** Bytes of the record of a message of {@code length} bytes. */
    public static int recordLength(int length) {
        return (int) recordLength((long) length);
    }

    private static long recordLength(long length) {
        return (RECORD_HEADER_SIZE + length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /**
     * The capacity of a lane that holds at least {@code messageBytes} bytes of messages of up to
     * {@code messages} messages (each with its header and padding) wherever the wrap falls, and
     * always one message of {@code maxMessageSize} bytes after a padding record, with the next
     * record's frame length cleared ahead: the next power of two.
     *
     * @throws IllegalArgumentException if that is beyond {@link #MAX_CAPACITY}
     */
    public static int capacity(long messageBytes, long messages, int maxMessageSize) {
        long capacity = records(messageBytes, messages, maxMessageSize);
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("a lane of " + messageBytes + " bytes in " + messages
                    + " messages needs " + capacity + " bytes, more than " + MAX_CAPACITY);
        }
        return (int) capacity;
    }

    /**
     * {@link #capacity} without its bound, in a long (for sizes up to ints, it cannot overflow):
     * the record bytes of the largest lane some limits allow, which a file opened may not exceed.
     */
    public static long records(long messageBytes, long messages, long maxMessageSize) {
        // a padding record at the wrap wastes less than one record of the largest message; the
        // next record's frame length, cleared ahead, takes one alignment
        long wanted = Math.max(messageBytes + messages * (RECORD_HEADER_SIZE + RECORD_ALIGNMENT - 1)
                + recordLength(maxMessageSize), 2 * recordLength(maxMessageSize) + RECORD_ALIGNMENT);
        return Math.max(RECORD_ALIGNMENT, Long.highestOneBit(wanted - 1) << 1);
    }

    /** Bytes of a lane of {@code capacity} record bytes, from its base. */
    public static long length(int capacity) {
        return RECORDS_OFFSET + (long) capacity;
    }

    /**
     * Whether a copy of a file (its first bytes, written by anyone) shows the lane at {@code base}
     * holding a record its receivers have not taken: its tail apart from its head, or a record
     * published at the head (a sender killed before it moved the tail) where the copy reaches the
     * head's record. False where the copy does not reach the lane's words (the caller counts
     * instead); words no lane has read as holding one (a collection keeps such a file).
     */
    public static boolean holdsRecords(MappedRegion copy, long base) {
        if (base < 0 || copy.length() < base + RECORDS_OFFSET) {
            return false;
        }
        long head = copy.getLong(base + HEAD_OFFSET);
        int capacity = copy.getInt(base + CAPACITY_OFFSET);
        if (copy.getLong(base + TAIL_OFFSET) != head || capacity <= 0 || Integer.bitCount(capacity) != 1) {
            return true;
        }
        long frame = base + RECORDS_OFFSET + (head & (capacity - 1));
        return frame + Integer.BYTES <= copy.length() && copy.getInt(frame) != 0;
    }
}
