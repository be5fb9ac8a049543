package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.SLOT_CHECKED_HEADER;
import static org.multios.ipc.channels.ring.PriorityRingDescriptor.SLOT_CHECKSUM_OFFSET;
import static org.multios.ipc.channels.ring.PriorityRingDescriptor.SLOT_HEADER_SIZE;

import java.util.zip.CRC32C;

import org.multios.ipc.core.mapped.MappedRegion;

/**
 * The checksums of one attachment's ring ({@link PriorityRingDescriptor}, "Checksums"): the
 * CRC32C of a slot's length, priority, sender and sender pid and of its payload, read through a
 * scratch buffer of the calling thread (the region's bytes have no buffer view), so that summing
 * allocates nothing per message.
 */
final class MessageChecksums {
    private static final int SCRATCH = 4096;

    private final MappedRegion region;
    private final ThreadLocal<Scratch> scratches = ThreadLocal.withInitial(Scratch::new);

    MessageChecksums(MappedRegion region) {
        this.region = region;
    }

    /** Writes the checksum of the slot at {@code s} holding {@code length} payload bytes into it. */
    void seal(long s, int length) {
        region.putInt(s + SLOT_CHECKSUM_OFFSET, of(s, length));
    }

    /** Whether the slot at {@code s} holding {@code length} payload bytes has the checksum it carries. */
    boolean intact(long s, int length) {
        return region.getInt(s + SLOT_CHECKSUM_OFFSET) == of(s, length);
    }

    /**
     * Makes the checksum of the slot at {@code s} mismatch before the slot is freed, so that a
     * recoverer never takes a message that was consumed (or never sent) for a whole one.
     */
    void invalidate(long s) {
        region.putInt(s + SLOT_CHECKSUM_OFFSET, ~region.getInt(s + SLOT_CHECKSUM_OFFSET));
    }

    private int of(long s, int length) {
        Scratch t = scratches.get();
        t.crc.reset();
        add(s, SLOT_CHECKED_HEADER, t);
        add(s + SLOT_HEADER_SIZE, length, t);
        return (int) t.crc.getValue();
    }

    private void add(long from, int length, Scratch t) {
        for (int done = 0; done < length; ) {
            int n = Math.min(SCRATCH, length - done);
            region.getBytes(from + done, t.bytes, 0, n);
            t.crc.update(t.bytes, 0, n);
            done += n;
        }
    }

    /** One thread's sum and buffer. */
    private static final class Scratch {
        final CRC32C crc = new CRC32C();
        final byte[] bytes = new byte[SCRATCH];
    }
}
