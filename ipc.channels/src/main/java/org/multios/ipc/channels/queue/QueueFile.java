package org.multios.ipc.channels.queue;

import static org.multios.ipc.channels.queue.QueueDescriptor.*;

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
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channels.ring.PortFiles;
import org.multios.ipc.channels.ring.PortObject;
import org.multios.ipc.channels.ring.DepthMark;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.channels.ring.LaneRing;
import org.multios.ipc.channels.ring.LaneWatcher;
import org.multios.ipc.channels.ring.MessageRing;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFile;
import org.multios.ipc.core.mapped.ObjectFileHeader;
import org.multios.ipc.core.mapped.ObjectOwners;
import org.multios.ipc.core.mapped.StaleObjects;
import org.multios.ipc.core.mapped.WaitLoop;

/**
 * One named queue as this JVM sees it: its mapped file (or a copy of its header, for listing),
 * the message ring in it (a {@link PriorityRing}, or a {@link LaneRing} for a lane), its
 * identity, the counters of its shared header, and its durability with the policy that makes
 * each sent message as durable as that says (a lane is never durable).
 */
final class QueueFile extends ObjectFile implements PortObject {
    private final MessageRing ring;
    /** Whether the ring is a lane (layout {@link QueueDescriptor#LAYOUT_VERSION_LANE}). */
    private final boolean lane;
    private final int maxMessageSize;
    private final int maxMessages;
    private final WaitStrategy waitStrategy;
    private final DepthMark depthMark;
    private final QueueDurability durability;
    private final DurabilityPolicy policy;

    private QueueFile(long id, String name, MappedRegion region, MessageRing ring, boolean lane,
            ObjectDirectory directory, IpcProcess creator, int maxMessageSize, int maxMessages,
            WaitStrategy waitStrategy, QueueDurability durability, GroupCommit group) {
        super(ObjectType.QUEUE, id, name, ObjectType.QUEUE.label() + " '" + name + "'", region, directory, creator,
                null);
        this.ring = ring;
        this.lane = lane;
        this.maxMessageSize = maxMessageSize;
        this.maxMessages = maxMessages;
        this.waitStrategy = waitStrategy;
        this.depthMark = new DepthMark(region, HIGH_WATER_MARK);
        this.durability = durability;
        this.policy = ring == null ? DurabilityPolicy.NOTHING
                : DurabilityPolicy.of(durability, region, displayName(), group);
    }

    /**
     * Writes the queue header and lays out an empty ring (or lane) in a new file; a durable
     * queue's file is then flushed, so that it is whole on disk before its name appears.
     */
    static void initialize(MappedRegion region, int maxMessageSize, int maxMessages, int mode,
            WaitStrategy waitStrategy, QueueDurability durability, boolean lane, IpcProcess self) {
        int layout = QueueDescriptor.layoutVersion(lane);
        new ObjectFileHeader(region).initialize(ObjectType.QUEUE, layout, RING_OFFSET,
                dataLength(layout, maxMessageSize, maxMessages), mode, self, System.currentTimeMillis());
        StaleObjects.recordCreator(region, CREATOR, CREATOR_NAMESPACE);
        region.putInt(MAX_MESSAGE_SIZE, maxMessageSize);
        region.putInt(MAX_MESSAGES, maxMessages);
        region.putInt(WAIT_STRATEGY, WaitLoop.word(waitStrategy));
        region.putInt(DURABILITY, durability.ordinal());
        if (lane) {
            LaneRing.initialize(region, RING_OFFSET, laneCapacity(maxMessageSize, maxMessages), maxMessageSize,
                    "queue");
            return;
        }
        PriorityRing.initialize(region, RING_OFFSET, maxMessages, maxMessageSize, 0,
                durability != QueueDurability.NONE, PriorityRingDescriptor.FREE_SCALE);
        if (durability != QueueDurability.NONE) {
            RestartRecovery.stamp(region);
            DurabilityPolicy.flush(region, ObjectType.QUEUE.label() + " file");
        }
    }

    /**
     * A queue from its opened file, checked.
     *
     * @param fileLength the length of the file (the region may be only a copy of its header)
     * @param mapped     whether the region maps the whole file (else no ring is attached)
     * @param group      the group commit of GROUP queues
     * @throws IpcException CORRUPTED if the file is not a queue of this layout
     */
    static QueueFile of(String name, ObjectDirectory.Opened opened, ObjectDirectory directory, long fileLength,
            boolean mapped, GroupCommit group) {
        String what = ObjectType.QUEUE.label() + " '" + name + "'";
        MappedRegion region = opened.region();
        ObjectFileHeader header = PortFiles.verifiedHeader(region, ObjectType.QUEUE, RING_OFFSET, fileLength, what,
                LAYOUT_VERSION, LAYOUT_VERSION_LANE, LAYOUT_VERSION_PRN3);
        int layout = PortFiles.layoutVersion(region);
        int size = region.getInt(MAX_MESSAGE_SIZE);
        int count = region.getInt(MAX_MESSAGES);
        if (size < 1 || count < 1 || header.dataLength() != declaredLength(layout, size, count)) {
            throw new IpcException(IpcError.CORRUPTED, what + " declares " + count + " messages of " + size
                    + " bytes, which do not match its " + header.dataLength() + " bytes of data");
        }
        WaitStrategy waitStrategy = WaitLoop.fromWord(region.getInt(WAIT_STRATEGY), what);
        QueueDurability durability = durability(region, what);
        boolean lane = layout == LAYOUT_VERSION_LANE;
        if (lane && durability != QueueDurability.NONE) {
            throw new IpcException(IpcError.CORRUPTED, what + " is a lane of durability " + durability
                    + "; lanes are in memory only (NONE)");
        }
        MessageRing ring = mapped ? attach(region, layout, size, count, header.dataLength(), what) : null;
        IpcProcess creator = ObjectOwners.creatorOf(opened, ObjectOwners.permissionsOf(opened));
        return new QueueFile(opened.inode(), name, region, ring, lane, directory, creator, size, count,
                waitStrategy, durability, group);
    }

    /** The data length a file of {@code layout} must declare for its sizes; -1 if no lane can have them. */
    private static long declaredLength(int layout, int size, int count) {
        try {
            return dataLength(layout, size, count);
        } catch (IllegalArgumentException tooLarge) {
            return -1;
        }
    }

    /** The ring of a queue file of {@code layout} whose sizes were checked, attached and checked. */
    private static MessageRing attach(MappedRegion region, int layout, int size, int count, long dataLength,
            String what) {
        if (layout == LAYOUT_VERSION_LANE) {
            LaneRing lane = LaneRing.attach(region, RING_OFFSET, dataLength, what, new ListenerWatch(region));
            int capacity = laneCapacity(size, count);
            if (lane.capacity() != capacity || lane.maxMessageSize() != size) {
                throw new IpcException(IpcError.CORRUPTED, what + " has a lane of " + lane.capacity()
                        + " bytes for messages of " + lane.maxMessageSize() + " bytes, not " + capacity + " for "
                        + size);
            }
            return lane;
        }
        PriorityRing ring = PriorityRing.attach(region, RING_OFFSET, dataLength, what,
                r -> notifyListener(region, r));
        checkRing(ring, count, size, freeScale(layout), what);
        return ring;
    }

    /** Checks that an attached ring is the one the queue's header and layout version describe. */
    private static void checkRing(PriorityRing ring, int count, int size, int freeScale, String what) {
        if (ring.capacity() != count || ring.maxMessageSize() != size) {
            throw new IpcException(IpcError.CORRUPTED, what + " has a ring of " + ring.capacity()
                    + " messages of " + ring.maxMessageSize() + " bytes, not " + count + " of " + size);
        }
        PortFiles.checkFreeScale(ring, freeScale, ObjectType.QUEUE, layoutVersion(freeScale), what);
    }

    /** The durability word of a queue's header, checked. */
    private static QueueDurability durability(MappedRegion region, String what) {
        int word = region.getInt(DURABILITY);
        QueueDurability[] levels = QueueDurability.values();
        if (word < 0 || word >= levels.length) {
            throw new IpcException(IpcError.CORRUPTED, what + " declares durability " + word + ", not one of 0.."
                    + (levels.length - 1));
        }
        return levels[word];
    }

    /** A queue this process has just created. */
    static QueueFile created(String name, ObjectDirectory.Created created, ObjectDirectory directory,
            IpcProcess self, GroupCommit group) {
        MappedRegion region = created.region();
        int size = region.getInt(MAX_MESSAGE_SIZE);
        int count = region.getInt(MAX_MESSAGES);
        int layout = PortFiles.layoutVersion(region);
        String what = ObjectType.QUEUE.label() + " '" + name + "'";
        MessageRing ring = attach(region, layout, size, count, dataLength(layout, size, count), what);
        return new QueueFile(created.inode(), name, region, ring, layout == LAYOUT_VERSION_LANE, directory, self,
                size, count, WaitLoop.fromWord(region.getInt(WAIT_STRATEGY), what), durability(region, what), group);
    }

    /**
     * Tells the queue's listener, in whatever process it is, that the queue went from no message
     * to some while no receiver slept on it: called by whichever thread made that happen (the
     * sender, or a receiver that marked a priority again that a sender published into while the
     * receiver cleared it).
     */
    private static void notifyListener(MappedRegion region, MessageRing ring) {
        if (region.getLongVolatile(LISTENER_OWNER) != 0 && ring.signals().receiversSleeping() == 0) {
            region.getAndAddInt(NOTIFY_SEQUENCE, 1);
            Futex.wake(region, NOTIFY_SEQUENCE, Integer.MAX_VALUE);
        }
    }

    /** A lane's watcher: its listener word, and {@link #notifyListener} once the lane went non-empty. */
    private record ListenerWatch(MappedRegion region) implements LaneWatcher {
        @Override
        public boolean watching() {
            return region.getLongVolatile(LISTENER_OWNER) != 0;
        }

        @Override
        public void becameNonEmpty(LaneRing lane) {
            notifyListener(region, lane);
        }
    }

    String plainName() {
        return name().orElseThrow();
    }

    MessageRing ring() {
        return ring;
    }

    /** Whether the queue is a lane (first in first out, one sender and one receiver at a time). */
    boolean isLane() {
        return lane;
    }

    int maxMessageSize() {
        return maxMessageSize;
    }

    int maxMessages() {
        return maxMessages;
    }

    /** The wait strategy the queue was created with. */
    WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    void count(int offset, long delta) {
        region().getAndAddLong(offset, delta);
    }

    /** Where the queue lives and when its messages reach stable storage. */
    QueueDurability durability() {
        return durability;
    }

    /**
     * After a send published a message: raises the high-water mark if the depth passed it, and
     * makes the message as durable as the queue's level says (a SYNC queue returns once it is on
     * disk).
     *
     * @throws IpcException IO_ERROR if the queue's file could not be flushed
     */
    void sent() {
        if (ring instanceof PriorityRing r) { // a lane keeps no high-water mark, as a channel's does not
            depthMark.sentInto(r);
        }
        policy.published();
    }

    /** Counts a message sent or received by a handle without a counter slot of its own. */
    void countShared(boolean sent, int bytes) {
        region().getAndAddLong(sent ? MESSAGES_IN : MESSAGES_OUT, 1);
        region().getAndAddLong(sent ? BYTES_IN : BYTES_OUT, bytes);
    }

    /** A snapshot of identity, permissions and counters. */
    ObjectInfo info() {
        long[] c = new long[Counter.values().length];
        PortFiles.addDirection(c, region(), MESSAGES_IN, ring, RING_OFFSET, lane, maxMessages,
                HandleCounters.sums(region(), COUNTERS_OF_HANDLES, COUNTERS_OF_HANDLES));
        c[Counter.HANDLES.ordinal()] = Math.max(0, region().getLongVolatile(HANDLES));
        return new ObjectInfo(ObjectType.QUEUE, id(), name(), creator(), listedPermissions(), maxMessages, true,
                Statistics.of(c, WaitTimes.NONE)).withWaitStrategy(waitStrategy);
    }
}
