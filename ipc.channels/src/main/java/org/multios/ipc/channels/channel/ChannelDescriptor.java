package org.multios.ipc.channels.channel;

import static org.multios.ipc.core.mapped.ObjectFileDescriptor.CACHE_LINE;
import static org.multios.ipc.core.mapped.ObjectFileDescriptor.PAGE_SIZE;

import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.channels.ring.LaneDescriptor;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.step.CounterSlots;

/**
 * Layout of a channel's file, named ({@code <root>/channel/<name>}) or anonymous (unlinked): the
 * common object header ({@link org.multios.ipc.core.mapped.ObjectFileDescriptor}), the channel
 * header, then, from page boundaries, the ring of direction A&#8594;B and the ring of direction
 * B&#8594;A ({@link PriorityRingDescriptor}). Native byte order; every word that processes
 * update sits on its own cache line; shared counters are longs updated atomically, a handle's own
 * counters (counter slots) longs only its steps write.
 *
 * <pre>
 *   offset
 *        0  +---------------------------------------------------------------+
 *           | common object header (64 bytes)                               |
 *       64  +---------------------------------------------------------------+
 *           | buffer size (int) | max messages (int, 0 = none) |           |
 *           | max message size (int) | slots per direction (int) |        |
 *           | anonymous (int: 1 = unlinked file, ends close for good)       |
 *           | wait strategy (int: kind + 1 in bits 0-3, budget in µs above) |
 *      128  +---------------------------------------------------------------+
 *           | handles open on end A (int)                                   |
 *      192  +---------------------------------------------------------------+
 *           | handles open on end B (int)                                   |
 *      256  +---------------------------------------------------------------+
 *           | ends closed for good (int: bit 0 = A, bit 1 = B; anonymous)   |
 *      512  +---------------------------------------------------------------+
 *           | direction A->B (received at B), 12 lines of 64 bytes:         |
 *           |  +0 unused (layout 1: bytes queued; now in the ring's budget) |
 *           |  +64 unused (layout 2: space sequence; now the ring's)        |
 *           |  +128 unused (layout 2: senders sleeping; now the ring's)     |
 *           |  +192 messages in | +256 messages out | +320 bytes in |       |
 *           |  +384 bytes out | +448 depth high-water mark | +512 waits |    |
 *           |  +576 timeouts | +640 errors | +704 denials (longs)           |
 *     1280  +---------------------------------------------------------------+
 *           | direction B->A (received at A), the same 12 lines             |
 *     2048  +---------------------------------------------------------------+
 *           | creator: owner word of the creating process (long;           |
 *           | ProcessLiveness.ownerWord), its namespaces (long)             |
 *     2064  | (unused)                                                      |
 *     2112  +---------------------------------------------------------------+
 *           | counter slots of end A's handles, 2 of 320 bytes each         |
 *           | (CounterSlots; a handle on A sends A->B and receives B->A):   |
 *           |  +0 holder (long): owner word of the holding process, 0 free; |
 *           |     the rest of its line unused                               |
 *           |  +64 8 groups of 4 longs, one group per step token of the     |
 *           |     holding handle (StepGuard): messages sent, bytes sent,    |
 *           |     messages received, bytes received                         |
 *     2752  +---------------------------------------------------------------+
 *           | counter slots of end B's handles, the same 2 slots            |
 *     3392  +---------------------------------------------------------------+
 *           | reserved; from 3584 the creating IPC process, IPC owner and   |
 *           | group of the common header                                    |
 *     4096  +---------------------------------------------------------------+
 *           | ring A->B: PriorityRingDescriptor.length(slots, max message   |
 *           | size, free scale) bytes, padded to a page. Layout 7: ring     |
 *           | magic PRN4, free ring of 2C entries; layout 6: ring magic     |
 *           | PRN3, free ring of C entries                                  |
 *           +---------------------------------------------------------------+
 *           | ring B->A: the same                                           |
 *           +---------------------------------------------------------------+
 *
 *   layout 9 (a channel of lanes, ChannelOptions.lane): the same header, then
 *     4096  +---------------------------------------------------------------+
 *           | lane A->B: LaneDescriptor.length(laneCapacity) bytes, padded  |
 *           | to a page (lane magic LAN3)                                   |
 *           +---------------------------------------------------------------+
 *           | lane B->A: the same                                           |
 *           +---------------------------------------------------------------+
 * </pre>
 *
 * Each ring carries the buffer size as its byte budget ({@link PriorityRingDescriptor}): a
 * sender that took a slot reserves its message's bytes there (never past the buffer size), and
 * the receiver that takes the message gives them back, both recorded so that a process killed
 * in between leaks neither slot nor bytes. A channel whose slots cannot hold more than its buffer
 * size ({@code slots x maxMessageSize <= bufferSize}) keeps no budget ({@link #ringBudget}): it
 * could never refuse a message, and its shared word would cost four contended compare-and-sets
 * per message. Senders sleep on the ring's space sequence, which
 * every path that frees a slot bumps while senders sleep (a receive, a message dropped as
 * corrupt, a reservation that did not fit, recovery from a dead owner). The ring's own slot
 * count bounds the messages: {@code maxMessages} when the options set it, else
 * {@link #slots(ChannelOptions)}. The common header's data length is both rings' length.
 *
 * <p><b>Counters.</b> A handle counts the messages and bytes it sends (into the direction received
 * at the other end) and receives (from the direction received at its end) in a counter slot of
 * its end ({@link #counters}, {@link CounterSlots}): plain stores into cells no other handle
 * writes, no shared atomic per message. Handles beyond the slots, and steps without a step slot,
 * add to the direction block's shared messages and bytes in and out instead. Readers add the
 * slots' cells, held or not, to the shared counters ({@code ChannelFile.info}). The depth
 * high-water mark is raised by senders from the ring's own positions
 * ({@link org.multios.ipc.channels.ring.DepthMark#sentInto}), not from a message count.
 * Layout 7 gives each ring's free ring twice the entries ({@link
 * org.multios.ipc.channels.ring.PriorityRingDescriptor#freeLength}, ring magic PRN4); a named
 * channel's file outlives the processes that use it (until {@code ipc:gc} or an unlink), and a
 * running gateway may update this bundle while another process keeps a channel, so files of
 * layout 6 (ring magic PRN3, otherwise the same) are opened and used in their own layout
 * ({@link #freeScale}); new channels get layout 7. Layout 6 added the counter slots (layout 5
 * counted every message in the shared counters);
 * layout 5 lays out rings without a budget that cannot bind; layout 4 added the wait strategy word; senders bump a ring's sequences only while someone
 * sleeps on them ({@link org.multios.ipc.channels.ring.PriorityRing}). The creator's owner word
 * and namespaces (at 2048, 0 in files made before they were written, which the collector never
 * judges) are what {@code ipc:gc} reads from the owner record to tell that the creating process
 * is gone ({@link org.multios.ipc.core.mapped.StaleObjects}).
 */
public final class ChannelDescriptor {
    /** Layout version of new channel files, checked on attach: rings of magic PRN4. */
    public static final int LAYOUT_VERSION = 7;
    /**
     * Layout version of channel files whose directions are lanes ({@link ChannelOptions#lane()}):
     * the same header, then two {@link org.multios.ipc.channels.ring.LaneRing}s of
     * {@link #laneCapacity} record bytes each, from page boundaries. Version 8, lanes whose
     * records were published by the tail (magic LAN1), is not read: both sides of a lane must
     * agree on what publishes a record.
     */
    public static final int LAYOUT_VERSION_LANE = 9;
    /** Layout version of channel files of the layout before, still opened: rings of magic PRN3. */
    public static final int LAYOUT_VERSION_PRN3 = 6;
    /** Slots of a direction without a message bound never exceed this. */
    public static final int MAX_DEFAULT_SLOTS = 1024;
    /** Bytes of slots a direction without a message bound aims at (at least one slot). */
    public static final long DEFAULT_SLOT_BUDGET = 4L * 1024 * 1024;

    /** Buffer size in bytes (int). */
    public static final int BUFFER_SIZE = 64;
    /** Max messages per direction, 0 for none (int). */
    public static final int MAX_MESSAGES = 68;
    /** Largest message in bytes (int). */
    public static final int MAX_MESSAGE_SIZE = 72;
    /** Slots of each ring (int). */
    public static final int SLOTS = 76;
    /** 1 for an anonymous channel (int). */
    public static final int ANONYMOUS = 80;
    /** The channel's wait strategy (int, {@code WaitLoop.word}); layout 4. */
    public static final int WAIT_STRATEGY = 84;
    /** Handles open on end A (int). */
    public static final int HANDLES_A = 2 * CACHE_LINE;
    /** Handles open on end B (int). */
    public static final int HANDLES_B = 3 * CACHE_LINE;
    /** Ends closed for good (int bits). */
    public static final int ENDS_CLOSED = 4 * CACHE_LINE;

    /** Start of the block of direction A&#8594;B. */
    public static final int DIRECTION_A_TO_B = 8 * CACHE_LINE;
    /** Start of the block of direction B&#8594;A. */
    public static final int DIRECTION_B_TO_A = 20 * CACHE_LINE;

    /** In a direction block: unused since layout 2 (bytes queued live in the ring's budget). */
    public static final int BYTES_QUEUED = 0;
    /** In a direction block: messages sent (long). */
    public static final int MESSAGES_IN = 3 * CACHE_LINE;
    /** In a direction block: messages received (long). */
    public static final int MESSAGES_OUT = 4 * CACHE_LINE;
    /** In a direction block: bytes sent (long). */
    public static final int BYTES_IN = 5 * CACHE_LINE;
    /** In a direction block: bytes received (long). */
    public static final int BYTES_OUT = 6 * CACHE_LINE;
    /** In a direction block: the largest depth seen (long). */
    public static final int HIGH_WATER_MARK = 7 * CACHE_LINE;
    /** In a direction block: operations that waited (long). */
    public static final int WAITS = 8 * CACHE_LINE;
    /** In a direction block: waits that timed out (long). */
    public static final int TIMEOUTS = 9 * CACHE_LINE;
    /** In a direction block: other failures (long). */
    public static final int ERRORS = 10 * CACHE_LINE;
    /** In a direction block: refusals for lack of rights (long). */
    public static final int DENIALS = 11 * CACHE_LINE;

    /** Where the first ring starts: the header length. */
    public static final int RINGS_OFFSET = PAGE_SIZE;
    /** The creating process's owner word (long), read by the collector. */
    public static final int CREATOR = 32 * CACHE_LINE;
    /** The creating process's namespaces (long), read by the collector. */
    public static final int CREATOR_NAMESPACE = CREATOR + 8;

    /** Counter slots of each end. */
    public static final int COUNTER_SLOTS_PER_END = 2;
    /** The first counter slot of end A's handles (layout 6). */
    public static final int COUNTER_SLOTS_A = 33 * CACHE_LINE;
    /** The first counter slot of end B's handles (layout 6). */
    public static final int COUNTER_SLOTS_B = COUNTER_SLOTS_A + COUNTER_SLOTS_PER_END * CounterSlots.slotSize(HandleCounters.KINDS);
    private static final CounterSlots SLOTS_A = new CounterSlots(COUNTER_SLOTS_A, COUNTER_SLOTS_PER_END, HandleCounters.KINDS,
            CREATOR_NAMESPACE);
    private static final CounterSlots SLOTS_B = new CounterSlots(COUNTER_SLOTS_B, COUNTER_SLOTS_PER_END, HandleCounters.KINDS,
            CREATOR_NAMESPACE);

    private ChannelDescriptor() {
    }

    /**
     * The block of the direction whose messages are received at {@code receiver}: A&#8594;B for
     * B, B&#8594;A for A.
     */
    public static int direction(ChannelSide receiver) {
        return receiver == ChannelSide.B ? DIRECTION_A_TO_B : DIRECTION_B_TO_A;
    }

    /** The handle count word of an end. */
    public static int handles(ChannelSide side) {
        return side == ChannelSide.A ? HANDLES_A : HANDLES_B;
    }

    /** The counter slots of the handles on end {@code side}. */
    public static CounterSlots counters(ChannelSide side) {
        return side == ChannelSide.A ? SLOTS_A : SLOTS_B;
    }

    /** The bit of an end in {@link #ENDS_CLOSED}. */
    public static int closedBit(ChannelSide side) {
        return side == ChannelSide.A ? 1 : 2;
    }

    /**
     * Message slots of each ring: {@code maxMessages} if set; otherwise as many slots as
     * {@link #DEFAULT_SLOT_BUDGET} bytes hold, but at most the buffer size (one byte per message)
     * and {@link #MAX_DEFAULT_SLOTS}, and at least one.
     */
    public static int slots(ChannelOptions options) {
        if (options.hasMessageLimit()) {
            return options.maxMessages();
        }
        long bySpace = DEFAULT_SLOT_BUDGET / PriorityRingDescriptor.slotSize(options.maxMessageSize());
        return (int) Math.max(1, Math.min(Math.min(bySpace, options.bufferSize()), MAX_DEFAULT_SLOTS));
    }

    /**
     * The byte budget each ring keeps: the buffer size, or 0 (none) when the slots alone cannot
     * hold more than the buffer size ({@code slots x maxMessageSize <= bufferSize}), so that the
     * budget could never refuse a message and senders and receivers skip its shared word.
     */
    public static int ringBudget(ChannelOptions options, int slots) {
        return (long) slots * options.maxMessageSize() <= options.bufferSize() ? 0 : options.bufferSize();
    }

    /**
     * The free scale ({@link PriorityRingDescriptor#freeScale}) of the rings of a channel file of
     * {@code layoutVersion}, 0 for a version this platform does not read.
     */
    public static int freeScale(int layoutVersion) {
        return layoutVersion == LAYOUT_VERSION ? PriorityRingDescriptor.FREE_SCALE
                : layoutVersion == LAYOUT_VERSION_PRN3 ? PriorityRingDescriptor.FREE_SCALE_PRN3 : 0;
    }

    /** The layout version of a channel file whose rings have {@code freeScale}. */
    public static int layoutVersion(int freeScale) {
        return freeScale == PriorityRingDescriptor.FREE_SCALE_PRN3 ? LAYOUT_VERSION_PRN3 : LAYOUT_VERSION;
    }

    /** Bytes of one ring of a new channel, padded to a page. */
    public static long ringSpan(int slots, int maxMessageSize) {
        return ringSpan(slots, maxMessageSize, PriorityRingDescriptor.FREE_SCALE);
    }

    /** Bytes of one ring whose free ring has {@code freeScale}, padded to a page. */
    public static long ringSpan(int slots, int maxMessageSize, int freeScale) {
        return page(PriorityRingDescriptor.length(slots, maxMessageSize, freeScale));
    }

    /** Where the ring received at {@code receiver} starts in a new channel. */
    public static long ringOffset(ChannelSide receiver, int slots, int maxMessageSize) {
        return ringOffset(receiver, slots, maxMessageSize, PriorityRingDescriptor.FREE_SCALE);
    }

    /** Where the ring received at {@code receiver} starts, for a free scale. */
    public static long ringOffset(ChannelSide receiver, int slots, int maxMessageSize, int freeScale) {
        return receiver == ChannelSide.B ? RINGS_OFFSET : RINGS_OFFSET + ringSpan(slots, maxMessageSize, freeScale);
    }

    /** Bytes of both rings, for a free scale: the common header's data length. */
    public static long dataLength(int slots, int maxMessageSize, int freeScale) {
        return 2 * ringSpan(slots, maxMessageSize, freeScale);
    }

    /** Bytes of the whole file of a new channel (the largest of any layout read). */
    public static long fileLength(int slots, int maxMessageSize) {
        return RINGS_OFFSET + dataLength(slots, maxMessageSize, PriorityRingDescriptor.FREE_SCALE);
    }

    // ------------------------------------------------------------------ by layout version

    /** The layout version of a new channel of these options: lanes, or rings of magic PRN4. */
    public static int layoutVersion(ChannelOptions options) {
        return options.lane() ? LAYOUT_VERSION_LANE : LAYOUT_VERSION;
    }

    /**
     * Record bytes of each lane of a channel of these options: its buffer size and a record header
     * for each of {@link #slots} messages, at least two records of the largest message, the next
     * power of two ({@link LaneDescriptor#capacity}).
     *
     * @throws IllegalArgumentException if that is beyond {@link LaneDescriptor#MAX_CAPACITY}
     */
    public static int laneCapacity(ChannelOptions options) {
        return LaneDescriptor.capacity(options.bufferSize(), slots(options), options.maxMessageSize());
    }

    /**
     * Bytes of one direction of a channel file of {@code layout} with these options, padded to a
     * page: a lane or a ring with priorities.
     *
     * @throws IllegalArgumentException for a lane beyond {@link LaneDescriptor#MAX_CAPACITY}
     */
    public static long span(int layout, ChannelOptions options) {
        if (layout == LAYOUT_VERSION_LANE) {
            return page(LaneDescriptor.length(laneCapacity(options)));
        }
        return ringSpan(slots(options), options.maxMessageSize(), freeScale(layout));
    }

    /** Bytes of the whole file of a new channel of these options. */
    public static long fileLength(ChannelOptions options) {
        return RINGS_OFFSET + 2 * span(layoutVersion(options), options);
    }

    /**
     * Bytes of the largest file of lanes a channel may have with buffers of up to
     * {@code bufferSize} bytes of up to {@code slots} messages of up to {@code maxMessageSize}
     * bytes: a bound for files opened, never thrown on.
     */
    public static long largestLaneFile(long bufferSize, long slots, long maxMessageSize) {
        return RINGS_OFFSET + 2 * page(LaneDescriptor.RECORDS_OFFSET + LaneDescriptor.records(bufferSize, slots,
                maxMessageSize));
    }

    /** {@code bytes} padded to a page. */
    private static long page(long bytes) {
        return (bytes + PAGE_SIZE - 1) & -(long) PAGE_SIZE;
    }
}
