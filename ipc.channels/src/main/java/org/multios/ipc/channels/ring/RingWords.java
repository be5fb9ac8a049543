package org.multios.ipc.channels.ring;

import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.MappedWords;

/**
 * The words of one ring's hot paths (index ring entries, heads and tails, slot owners and headers,
 * the bitmap, the sleeper counts), reached through the region's {@link MappedWords} (native
 * addresses, one bound checked per access) where the whole ring lies in the region's first chunk,
 * else through the region's buffers. Same semantics either way (the methods of the same names of
 * {@link MappedRegion}); the bulk copies of message bytes stay with the region.
 */
final class RingWords {
    private final MappedRegion region;
    /** The region's native view, or null where the ring reaches past the view's window. */
    private final MappedWords words;

    /** The words of a ring of {@code length} bytes at {@code base} of {@code region}. */
    RingWords(MappedRegion region, long base, long length) {
        this.region = region;
        this.words = base >= 0 && base + length <= Math.min(region.length(), MappedRegion.CHUNK_SIZE) ? region.words()
                : null;
    }

    int getInt(long offset) {
        MappedWords w = words;
        return w != null ? w.getInt(offset) : region.getInt(offset);
    }

    long getLong(long offset) {
        MappedWords w = words;
        return w != null ? w.getLong(offset) : region.getLong(offset);
    }

    void putInt(long offset, int value) {
        MappedWords w = words;
        if (w != null) {
            w.putInt(offset, value);
        } else {
            region.putInt(offset, value);
        }
    }

    void putLong(long offset, long value) {
        MappedWords w = words;
        if (w != null) {
            w.putLong(offset, value);
        } else {
            region.putLong(offset, value);
        }
    }

    int getIntVolatile(long offset) {
        MappedWords w = words;
        return w != null ? w.getIntVolatile(offset) : region.getIntVolatile(offset);
    }

    long getLongVolatile(long offset) {
        MappedWords w = words;
        return w != null ? w.getLongVolatile(offset) : region.getLongVolatile(offset);
    }

    void putLongVolatile(long offset, long value) {
        MappedWords w = words;
        if (w != null) {
            w.putLongVolatile(offset, value);
        } else {
            region.putLongVolatile(offset, value);
        }
    }

    void putIntRelease(long offset, int value) {
        MappedWords w = words;
        if (w != null) {
            w.putIntRelease(offset, value);
        } else {
            region.putIntRelease(offset, value);
        }
    }

    void putLongRelease(long offset, long value) {
        MappedWords w = words;
        if (w != null) {
            w.putLongRelease(offset, value);
        } else {
            region.putLongRelease(offset, value);
        }
    }

    boolean compareAndSetLong(long offset, long expected, long value) {
        MappedWords w = words;
        return w != null ? w.compareAndSetLong(offset, expected, value)
                : region.compareAndSetLong(offset, expected, value);
    }
}
