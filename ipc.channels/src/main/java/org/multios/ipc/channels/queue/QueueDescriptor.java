package org.multios.ipc.channels.queue;

import static org.multios.ipc.core.mapped.ObjectFileDescriptor.CACHE_LINE;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.PAGE_SIZE;

import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.channels.ring.LaneDescriptor;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.step.CounterSlots;

/**
 * Layout of a named message queue's file under {@code <root>/queue}: the common object header
 * ({@link org.multios.ipc.core.mapped.ObjectFileDescriptor}), the queue header with its sizes,
 * listener registration and counters (each on its own cache line, since every process using the
 * queue updates them), then, from the first page boundary, the message ring
 * ({@link PriorityRingDescriptor}). Native byte order; counters are longs updated atomically.
 *
 * <pre>
 *   offset
 *        0  +------------------------------------------------------+
 *           | common object header (64 bytes)                      |
 *       64  +------------------------------------------------------+
 *           | max message size (int) | max messages (int)          |
 *           | wait strategy (int: kind + 1 in bits 0-3, µs above)  |
 *           | durability (int: QueueDurability ordinal, 0 = NONE)  |
 *      128  +------------------------------------------------------+
 *           | listener: owner word of the registered process, 0 = |
 *           | none (long; start tick, foreign bit and pid, as the  |
 *           | ring's slot owners: ProcessLiveness.ownerWord)       |
 *      192  +------------------------------------------------------+
 *           | notify sequence (int, futex word of listeners)       |
 *      256  +------------------------------------------------------+
 *           | counters, one long per 64-byte line: messages in,    |
 *           | messages out, bytes in, bytes out, high-water mark,  |
 *           | waits, timeouts, errors, denials, handles now        |
 *      896  +------------------------------------------------------+
 *           | boot id (two longs, /proc/sys/kernel/random/boot_id) |
 *           | of the boot that last used the queue: durable only   |
 *      960  +------------------------------------------------------+
 *           | creator: owner word of the creating process (long;  |
 *           | ProcessLiveness.ownerWord), its namespaces (long)    |
 *      976  +------------------------------------------------------+
 *           | reserved; creating IPC process, IPC owner and group  |
 *           | of the common header                                 |
 *     4096  +------------------------------------------------------+
 *           | message ring: PriorityRingDescriptor.length(max      |
 *           | messages, max message size, free scale) bytes; with  |
 *           | checksums in its slots if the queue is durable.      |
 *           | Layout 6: ring magic PRN4, free ring of 2C entries;  |
 *           | layout 5: ring magic PRN3, free ring of C entries.   |
 *           | Layout 7 (a lane): a LaneRing of laneCapacity(max    |
 *           | message size, max messages) record bytes instead     |
 *           | (LaneDescriptor.length), never durable               |
 *           +------------------------------------------------------+
 * </pre>
 *
 * The common header's data length is the ring's length. A program that dies without closing
 * leaves "handles now" too high: counters are statistics, not ownership. Layout version 3: the
 * listener word was a bare pid in version 2. Layout version 4: the wait strategy word, and
 * senders bump the ring's sequences only while someone sleeps on them; the durability word (at
 * 76, zero in files made before it existed, which are all in memory) says how the queue's file is
 * flushed, and a durable queue's file lives in the durable root. The boot id (at 896, durable
 * queues only) names the boot of the machine whose processes may own the ring's slots: the first
 * opener in another boot recovers every owned slot (see {@link RestartRecovery}). Layout version 5:
 * a durable queue's ring carries a checksum in every slot ({@link PriorityRingDescriptor},
 * "Checksums"), so that a message torn by a power loss is dropped with CORRUPTED instead of
 * delivered; a file of version 4 is refused (CORRUPTED naming both versions): empty such a queue
 * with the build that made it, then remove it. Layout version 6: the ring's free ring has twice
 * the entries ({@link PriorityRingDescriptor#freeLength}, ring magic PRN4). Files of version 5
 * (ring magic PRN3, the free ring as long as a priority's) are opened and used as they are, in
 * their own layout, since durable queues outlive builds ({@link #freeScale}); new queues get
 * version 6. Any other version, or a ring whose magic is not its version's, is refused with
 * CORRUPTED.
 * The handles' counter slots (at 1024, {@link #COUNTERS_OF_HANDLES}): a handle counts the
 * messages and bytes it sends and receives in a slot of its own ({@link HandleCounters}), with no
 * shared atomic per message; handles beyond the four, and steps without a step slot, add to the
 * shared counters instead, and readers add both. The high-water mark is raised from the ring's
 * positions ({@link org.multios.ipc.channels.ring.DepthMark#sentInto}; a lane keeps none). The
 * slots lie in bytes that were zero in every file of layouts 5 and 6 (as they are in layout 7's),
 * where they read as free slots with nothing counted, so the layout version is unchanged; a
 * build from before the slots, sharing a queue with this one, reads only the shared counters, so
 * its statistics miss what the slots counted and its high-water mark may read high (statistics
 * only: messages and the ring are the same).
 * Layout version 7: the queue is a lane ({@code QueueOptions.lane}), its ring a
 * {@link org.multios.ipc.channels.ring.LaneRing} of {@link #laneCapacity} record bytes (first in
 * first out, one sender and one receiver at a time), the same header before it; its durability
 * word is always NONE. A create that finds a queue of the other kind fails as a channel's does
 * ("kind of queue": lane or priorities).
 * The creator's owner word and namespaces (at 960, 0 in files made before they were written,
 * which the collector never judges: their creator is unknown) are what {@code ipc:gc} reads from
 * the owner record to tell that the creating process is gone
 * ({@link org.multios.ipc.core.mapped.StaleObjects}).
 */
final class QueueDescriptor {
    /** Layout version of new queue files: rings of magic PRN4. */
    static final int LAYOUT_VERSION = 6;
    /** Layout version of queue files of the layout before, still opened: rings of magic PRN3. */
    static final int LAYOUT_VERSION_PRN3 = 5;
    /** Layout version of queue files whose ring is a lane (magic LAN3): never durable. */
    static final int LAYOUT_VERSION_LANE = 7;
    /** Where the ring starts: the header length. */
    static final int RING_OFFSET = PAGE_SIZE;

    static final int MAX_MESSAGE_SIZE = 64;
    static final int MAX_MESSAGES = 68;
    static final int WAIT_STRATEGY = 72;
    static final int DURABILITY = 76;
    static final int LISTENER_OWNER = 2 * CACHE_LINE;
    static final int NOTIFY_SEQUENCE = 3 * CACHE_LINE;

    static final int MESSAGES_IN = 4 * CACHE_LINE;
    static final int MESSAGES_OUT = 5 * CACHE_LINE;
    static final int BYTES_IN = 6 * CACHE_LINE;
    static final int BYTES_OUT = 7 * CACHE_LINE;
    static final int HIGH_WATER_MARK = 8 * CACHE_LINE;
    static final int WAITS = 9 * CACHE_LINE;
    static final int TIMEOUTS = 10 * CACHE_LINE;
    static final int ERRORS = 11 * CACHE_LINE;
    static final int DENIALS = 12 * CACHE_LINE;
    static final int HANDLES = 13 * CACHE_LINE;
    static final int BOOT_ID = 14 * CACHE_LINE;
    /** The creating process's owner word (long), read by the collector. */
    static final int CREATOR = 15 * CACHE_LINE;
    /** The creating process's namespaces (long), read by the collector. */
    static final int CREATOR_NAMESPACE = CREATOR + 8;
    /** Counter slots of the queue's handles. */
    static final int COUNTER_SLOT_COUNT = 4;
    /** The first counter slot. */
    static final int COUNTER_SLOTS = 16 * CACHE_LINE;
    /** The handles' counter slots: messages and bytes each sent and received ({@link HandleCounters}). */
    static final CounterSlots COUNTERS_OF_HANDLES = new CounterSlots(COUNTER_SLOTS, COUNTER_SLOT_COUNT,
            HandleCounters.KINDS, CREATOR_NAMESPACE);

    private QueueDescriptor() {
    }

    /**
     * The free scale ({@link PriorityRingDescriptor#freeScale}) of the ring of a queue file of
     * {@code layoutVersion}, 0 for a version this platform does not read.
     */
    static int freeScale(int layoutVersion) {
        return layoutVersion == LAYOUT_VERSION ? PriorityRingDescriptor.FREE_SCALE
                : layoutVersion == LAYOUT_VERSION_PRN3 ? PriorityRingDescriptor.FREE_SCALE_PRN3 : 0;
    }

    /** The layout version of a queue file whose ring has {@code freeScale}. */
    static int layoutVersion(int freeScale) {
        return freeScale == PriorityRingDescriptor.FREE_SCALE_PRN3 ? LAYOUT_VERSION_PRN3 : LAYOUT_VERSION;
    }

    /** Bytes of the ring of a new queue. */
    static long ringLength(int maxMessageSize, int maxMessages) {
        return ringLength(maxMessageSize, maxMessages, PriorityRingDescriptor.FREE_SCALE);
    }

    /** Bytes of the ring of a queue whose ring has {@code freeScale}. */
    static long ringLength(int maxMessageSize, int maxMessages, int freeScale) {
        return PriorityRingDescriptor.length(maxMessages, maxMessageSize, freeScale);
    }

    /** Bytes of the file of a new queue with priorities (the largest of any such layout read). */
    static long fileLength(int maxMessageSize, int maxMessages) {
        return RING_OFFSET + ringLength(maxMessageSize, maxMessages);
    }

    // ------------------------------------------------------------------ lanes

    /**
     * Record bytes of the lane of a queue of up to {@code maxMessages} messages of up to
     * {@code maxMessageSize} bytes, sized as a channel's lane of that many messages and bytes
     * ({@link LaneDescriptor#capacity}).
     *
     * @throws IllegalArgumentException if that is beyond {@link LaneDescriptor#MAX_CAPACITY}
     */
    static int laneCapacity(int maxMessageSize, int maxMessages) {
        return LaneDescriptor.capacity((long) maxMessageSize * maxMessages, maxMessages, maxMessageSize);
    }

    /** Bytes of the lane of a queue, from {@link #RING_OFFSET}: the common header's data length. */
    static long laneLength(int maxMessageSize, int maxMessages) {
        return LaneDescriptor.length(laneCapacity(maxMessageSize, maxMessages));
    }

    /**
     * Bytes of the ring of a queue file of {@code layoutVersion} (a lane, or a ring with priorities).
     *
     * @throws IllegalArgumentException for a lane beyond {@link LaneDescriptor#MAX_CAPACITY}
     */
    static long dataLength(int layoutVersion, int maxMessageSize, int maxMessages) {
        return layoutVersion == LAYOUT_VERSION_LANE ? laneLength(maxMessageSize, maxMessages)
                : ringLength(maxMessageSize, maxMessages, freeScale(layoutVersion));
    }

    /** The layout version of a new queue: a lane, or a ring with priorities of magic PRN4. */
    static int layoutVersion(boolean lane) {
        return lane ? LAYOUT_VERSION_LANE : LAYOUT_VERSION;
    }

    /**
     * Bytes of the largest file a queue of up to {@code maxMessages} messages of up to
     * {@code maxMessageSize} bytes may have, of either kind: a bound for files opened.
     */
    static long largestFile(long maxMessageSize, long maxMessages) {
        long lane = RING_OFFSET + LaneDescriptor.RECORDS_OFFSET
                + LaneDescriptor.records(maxMessageSize * maxMessages, maxMessages, maxMessageSize);
        return Math.max(fileLength((int) maxMessageSize, (int) maxMessages), lane);
    }
}
