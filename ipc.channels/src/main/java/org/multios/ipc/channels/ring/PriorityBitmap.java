package org.multios.ipc.channels.ring;

import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The non-empty priorities bitmap of a ring ({@link PriorityRingDescriptor#BITMAP_OFFSET}): bit
 * {@code p} set means priority {@code p}'s index ring may hold a message. Senders set the bit
 * after publishing (a set bit is only read, not written again); a receiver clears it when it finds
 * the ring empty (and sets it again if a sender raced in, see {@link PriorityRing}): right after it
 * took the ring's last message, or, in an attachment that keeps marks (channels), only when a take
 * finds the ring empty. Receivers look at the highest set bit first.
 */
final class PriorityBitmap {
    private final MappedRegion region;
    private final RingWords words;
    private final long word;

    PriorityBitmap(MappedRegion region, RingWords words, long word) {
        this.region = region;
        this.words = words;
        this.word = word;
    }

    /** The bitmap now. */
    int read() {
        return words.getIntVolatile(word);
    }

    /** Whether no priority is marked. */
    boolean isEmpty() {
        return read() == 0;
    }

    /** Whether priority {@code p} is marked. */
    boolean isSet(int p) {
        return (read() & (1 << p)) != 0;
    }

    /** Marks priority {@code p}; returns the bitmap before. */
    int set(int p) {
        int bit = 1 << p;
        while (true) {
            int v = region.getIntVolatile(word);
            if ((v & bit) != 0 || region.compareAndSetInt(word, v, v | bit)) {
                return v;
            }
        }
    }

    /** Clears priority {@code p}'s mark. */
    void clear(int p) {
        int bit = 1 << p;
        while (true) {
            int v = region.getIntVolatile(word);
            if ((v & bit) == 0 || region.compareAndSetInt(word, v, v & ~bit)) {
                return;
            }
        }
    }
}
