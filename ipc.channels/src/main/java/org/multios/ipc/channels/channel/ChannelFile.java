package org.multios.ipc.channels.channel;

import static org.multios.ipc.channels.channel.ChannelDescriptor.*;

import java.util.Optional;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.PortFiles;
import org.multios.ipc.channels.ring.PortObject;
import org.multios.ipc.channels.ring.DepthMark;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.channels.ring.LaneRing;
import org.multios.ipc.channels.ring.MessageRing;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.MappedWords;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFile;
import org.multios.ipc.core.mapped.ObjectFileHeader;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.core.mapped.WaitLoop;

/**
 * One channel as this JVM sees it: its mapped file (or a copy of its header, for listing), the
 * two rings in it, its identity, options and the words of its shared header. A named channel's
 * permissions are those of its file; an anonymous one keeps its own.
 */
final class ChannelFile extends ObjectFile implements PortObject {
    private final MessageRing toA;
    private final MessageRing toB;
    private final ChannelOptions options;
    private final int slots;
    /** The file's layout version: lanes, or rings with priorities of a free scale ({@link ChannelDescriptor#freeScale}). */
    private final int layout;
    /** Bytes of each direction, as the layout version and options say ({@link ChannelDescriptor#span}). */
    private final long span;
    private final DepthMark markToA;
    private final DepthMark markToB;
    /** The region's native words: the ends' closed bits, read at every send and receive. */
    private final MappedWords words;

    private ChannelFile(long id, String name, MappedRegion region, boolean attach, ObjectDirectory directory,
            IpcProcess creator, ChannelOptions options, int slots, int layout) {
        super(ObjectType.CHANNEL, id, name, name == null ? "channel #" + id : "channel '" + name + "'", region,
                directory, creator, Permissions.of(creator, options.mode()));
        this.options = options;
        this.slots = slots;
        this.layout = layout;
        this.span = ChannelDescriptor.span(layout, options);
        this.toB = attach ? attach(ChannelSide.B) : null;
        this.toA = attach ? attach(ChannelSide.A) : null;
        this.markToA = mark(ChannelSide.A);
        this.markToB = mark(ChannelSide.B);
        this.words = region.words();
    }

    private DepthMark mark(ChannelSide receiver) {
        return new DepthMark(region(), direction(receiver) + HIGH_WATER_MARK);
    }

    private MessageRing attach(ChannelSide receiver) {
        int size = options.maxMessageSize();
        long base = ringOffset(receiver);
        if (layout == LAYOUT_VERSION_LANE) {
            LaneRing lane = LaneRing.attach(region(), base, span, displayName());
            if (lane.capacity() != laneCapacity(options) || lane.maxMessageSize() != size) {
                throw new IpcException(IpcError.CORRUPTED, displayName() + " has a lane of " + lane.capacity()
                        + " bytes for messages of " + lane.maxMessageSize() + " bytes, not " + laneCapacity(options)
                        + " for " + size);
            }
            return lane;
        }
        int freeScale = freeScale(layout);
        PriorityRing ring = PriorityRing.attachKeepingMarks(region(), base, span, displayName());
        if (ring.capacity() != slots || ring.maxMessageSize() != size || ring.byteBudget() != ringBudget(options, slots)) {
            throw new IpcException(IpcError.CORRUPTED, displayName() + " has a ring of " + ring.capacity()
                    + " messages of " + ring.maxMessageSize() + " bytes, not " + slots + " of " + size);
        }
        PortFiles.checkFreeScale(ring, freeScale, ObjectType.CHANNEL, layout, displayName());
        return ring;
    }

    /** Where the direction received at {@code receiver} starts. */
    private long ringOffset(ChannelSide receiver) {
        return receiver == ChannelSide.B ? RINGS_OFFSET : RINGS_OFFSET + span;
    }

    /** Writes the channel header and lays out both directions in a new file. */
    static void initialize(MappedRegion region, ChannelOptions options, boolean anonymous, IpcProcess self) {
        int layout = ChannelDescriptor.layoutVersion(options);
        long span = ChannelDescriptor.span(layout, options);
        int slots = ChannelDescriptor.slots(options);
        int size = options.maxMessageSize();
        new ObjectFileHeader(region).initialize(ObjectType.CHANNEL, layout, RINGS_OFFSET, 2 * span, options.mode(),
                self, System.currentTimeMillis());
        StaleObjects.recordCreator(region, ChannelDescriptor.CREATOR, ChannelDescriptor.CREATOR_NAMESPACE);
        region.putInt(BUFFER_SIZE, options.bufferSize());
        region.putInt(MAX_MESSAGES, options.maxMessages());
        region.putInt(MAX_MESSAGE_SIZE, size);
        region.putInt(SLOTS, slots);
        region.putInt(ANONYMOUS, anonymous ? 1 : 0);
        region.putInt(WAIT_STRATEGY, WaitLoop.word(options.waitStrategy()));
        for (long base : new long[] { RINGS_OFFSET, RINGS_OFFSET + span }) {
            if (options.lane()) {
                LaneRing.initialize(region, base, laneCapacity(options), size, "channel");
            } else {
                PriorityRing.initialize(region, base, slots, size, ringBudget(options, slots), false,
                        PriorityRingDescriptor.FREE_SCALE);
            }
        }
    }

    /** A channel this process has just created (named, or anonymous with a null name). */
    static ChannelFile created(String name, ObjectDirectory.Created created, ObjectDirectory directory,
            IpcProcess self, ChannelOptions options) {
        return new ChannelFile(created.inode(), name, created.region(), true, directory, self, options,
                ChannelDescriptor.slots(options), PortFiles.layoutVersion(created.region()));
    }

    /**
     * A named channel from its opened file, checked.
     *
     * @param fileLength the length of the file (the region may be only a copy of its header)
     * @param mapped     whether the region maps the whole file (else no ring is attached)
     * @throws IpcException CORRUPTED if the file is not a channel of this layout
     */
    static ChannelFile of(String name, ObjectDirectory.Opened opened, ObjectDirectory directory, long fileLength,
            boolean mapped) {
        String what = ObjectType.CHANNEL.label() + " '" + name + "'";
        MappedRegion region = opened.region();
        ObjectFileHeader header = PortFiles.verifiedHeader(region, ObjectType.CHANNEL, RINGS_OFFSET, fileLength, what,
                LAYOUT_VERSION_LANE, LAYOUT_VERSION, LAYOUT_VERSION_PRN3);
        int layout = PortFiles.layoutVersion(region);
        ChannelOptions options;
        long span;
        try {
            options = new ChannelOptions(region.getInt(BUFFER_SIZE), region.getInt(MAX_MESSAGES),
                    region.getInt(MAX_MESSAGE_SIZE), header.mode() & Permissions.MAX_MODE,
                    WaitLoop.fromWord(region.getInt(WAIT_STRATEGY), what), false, layout == LAYOUT_VERSION_LANE);
            span = ChannelDescriptor.span(layout, options);
        } catch (IpcException | IllegalArgumentException bad) {
            throw new IpcException(IpcError.CORRUPTED, what + " has inconsistent options: " + bad.getMessage());
        }
        int slots = region.getInt(SLOTS);
        if (slots != ChannelDescriptor.slots(options) || header.dataLength() != 2 * span) {
            throw new IpcException(IpcError.CORRUPTED, what + " declares " + slots + " slots of "
                    + options.maxMessageSize() + " bytes, which do not match its " + header.dataLength()
                    + " bytes of data");
        }
        Permissions permissions = ObjectOwners.permissionsOf(opened);
        IpcProcess creator = ObjectOwners.creatorOf(opened, permissions);
        return new ChannelFile(opened.inode(), name, region, mapped, directory, creator,
                options.withMode(permissions.mode()), slots, layout);
    }

    /** The name for access decisions and audit: the name, or {@code #id}. */
    String plainName() {
        return name().orElse("#" + id());
    }

    ChannelOptions options() {
        return options;
    }

    int slots() {
        return slots;
    }

    /** The ring whose messages are received at {@code receiver}. */
    MessageRing ring(ChannelSide receiver) {
        return receiver == ChannelSide.A ? toA : toB;
    }

    // ------------------------------------------------------------------ shared words

    /** Adds to a counter of the direction received at {@code receiver}. */
    void count(ChannelSide receiver, int counter, long delta) {
        region().getAndAddLong(direction(receiver) + counter, delta);
    }

    /** Raises the high-water mark of the direction received at {@code receiver} after a send. */
    void sent(ChannelSide receiver) {
        if (ring(receiver) instanceof PriorityRing ring) { // a lane keeps no high-water mark
            (receiver == ChannelSide.A ? markToA : markToB).sentInto(ring);
        }
    }

    /** Counts a message sent toward {@code receiver} by a handle without a counter slot. */
    void countSent(ChannelSide receiver, int bytes) {
        int block = direction(receiver);
        region().getAndAddLong(block + MESSAGES_IN, 1);
        region().getAndAddLong(block + BYTES_IN, bytes);
    }

    /** Counts a message received at {@code receiver} by a handle without a counter slot. */
    void countReceived(ChannelSide receiver, int bytes) {
        int block = direction(receiver);
        region().getAndAddLong(block + MESSAGES_OUT, 1);
        region().getAndAddLong(block + BYTES_OUT, bytes);
    }

    /** Counts a handle opened (+1) or closed (-1) on an end; returns the count after. */
    int handles(ChannelSide side, int delta) {
        return region().getAndAddInt(ChannelDescriptor.handles(side), delta) + delta;
    }

    /** Marks an end of an anonymous channel closed for good and wakes every waiter. */
    void closeEnd(ChannelSide side) {
        int bit = closedBit(side);
        while (true) {
            int v = region().getIntVolatile(ENDS_CLOSED);
            if ((v & bit) != 0 || region().compareAndSetInt(ENDS_CLOSED, v, v | bit)) {
                break;
            }
        }
        wakeAll();
    }

    /** Whether an end closed for good (anonymous channels only). */
    boolean isEndClosed(ChannelSide side) {
        return (words.getIntVolatile(ENDS_CLOSED) & closedBit(side)) != 0;
    }

    /** Whether both ends closed for good. */
    boolean bothEndsClosed() {
        return region().getIntVolatile(ENDS_CLOSED) == 3;
    }

    /** Wakes every sleeper on both directions so that each re-checks. */
    void wakeAll() {
        toA.signals().wakeAll();
        toB.signals().wakeAll();
    }

    // ------------------------------------------------------------------ statistics

    /**
     * A snapshot of identity, permissions and the counters of the direction received at
     * {@code receiver}, with the handles open on that end; for a {@code null} receiver, both
     * directions and ends summed (as a listing of every channel shows them).
     */
    ObjectInfo info(ChannelSide receiver) {
        long[] c = new long[Counter.values().length];
        if (receiver == null) {
            add(c, ChannelSide.A);
            add(c, ChannelSide.B);
        } else {
            add(c, receiver);
        }
        return new ObjectInfo(ObjectType.CHANNEL, id(), name(), creator(), listedPermissions(), slots, !isAnonymous(), Statistics.of(c, WaitTimes.NONE)).withWaitStrategy(options.waitStrategy());
    }

    private void add(long[] c, ChannelSide receiver) {
        // the handles' own counts: sent by the other end's handles, received by this end's
        long[] handleCounts = HandleCounters.sums(region(), ChannelDescriptor.counters(receiver.opposite()),
                ChannelDescriptor.counters(receiver));
        PortFiles.addDirection(c, region(), direction(receiver) + MESSAGES_IN, ring(receiver),
                ringOffset(receiver), layout == LAYOUT_VERSION_LANE, slots, handleCounts);
        c[Counter.HANDLES.ordinal()] += Math.max(0, region().getIntVolatile(ChannelDescriptor.handles(receiver)));
    }
}
