package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.LaneDescriptor.*;

/**
 * The records of one {@link LaneRing} read where they lie ({@link LaneDescriptor}): the frame
 * length published at a position, past a padding record; whether it is one a sender can write;
 * and walks over the records published from a position. A flyweight over the lane's words; every
 * read is masked into the ring and every walk is bounded by it, whatever a hostile writer left.
 */
final class LaneFrames {
    /** A position no record has. */
    static final long NONE = -1;

    private final RingWords words;
    private final long records;
    private final int capacity;
    private final int mask;
    private final int maxMessageSize;

    /** @param records the region offset of the lane's first record byte */
    LaneFrames(RingWords words, long records, int capacity, int maxMessageSize) {
        this.words = words;
        this.records = records;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * The frame length published for the record at position {@code p}, past a padding record
     * (read with acquire); 0 where nothing is published, or -1 for a position off a record
     * boundary.
     */
    int frameAt(long p) {
        if ((p & (RECORD_ALIGNMENT - 1)) != 0) {
            return -1;
        }
        int frame = words.getIntVolatile(records + (p & mask));
        return frame == PADDING ? words.getIntVolatile(records) : frame;
    }

    /**
     * Where the record published at position {@code p} (past a padding record) ends, or
     * {@link #NONE} if none is, or none a sender can write.
     */
    long recordEnd(long p) {
        if ((p & (RECORD_ALIGNMENT - 1)) != 0) {
            return NONE;
        }
        int off = (int) (p & mask);
        int frame = words.getIntVolatile(records + off);
        if (frame == PADDING) {
            p += capacity - off;
            off = 0;
            frame = words.getIntVolatile(records);
        }
        return isFrame(frame, off) ? p + align(frame) : NONE;
    }

    /** Whether {@code frame} is the frame length of a message a sender can write at {@code off}. */
    boolean isFrame(int frame, int off) {
        return frame >= RECORD_HEADER_SIZE && frame - RECORD_HEADER_SIZE <= maxMessageSize
                && off + align(frame) <= capacity;
    }

    /** The records published from position {@code head} on, counted (a walk of at most the ring). */
    int published(long head) {
        int n = 0;
        for (long p = head, end = head + capacity; p - end < 0; n++) {
            long next = recordEnd(p);
            if (next == NONE) {
                return n;
            }
            p = next;
        }
        return n;
    }

    /**
     * The end of the records published from position {@code from} on: the first position whose
     * frame length is 0 (or cannot be true), within a ring of the head {@code head};
     * {@link #NONE} where {@code from} is no record boundary within it.
     */
    long endOfPublished(long from, long head) {
        if (((from | head) & (RECORD_ALIGNMENT - 1)) != 0 || from - head < 0 || from - head > capacity) {
            return NONE;
        }
        long t = from;
        for (long next; t - head < capacity && (next = recordEnd(t)) != NONE && next - head <= capacity;) {
            t = next;
        }
        return t;
    }

    /** Whether a ring of {@code capacity} bytes takes two records of the largest message and the next frame length. */
    static boolean fits(int capacity, int maxMessageSize) {
        return 2L * recordLength(maxMessageSize) + RECORD_ALIGNMENT <= capacity;
    }

    /** Bytes of the record of a frame of {@code frame} bytes. */
    static int align(int frame) {
        return (frame + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }
}
