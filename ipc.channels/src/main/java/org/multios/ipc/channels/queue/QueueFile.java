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
 * the message ring in it, its identity, the counters of its shared header, and its durability
 * with the policy that makes each sent message as durable as that says.
 */
final class QueueFile extends ObjectFile implements PortObject {
    private final PriorityRing ring;
    private final int maxMessageSize;
    private final int maxMessages;
    private final WaitStrategy waitStrategy;
    private final DepthMark depthMark;
    private final QueueDurability durability;
    private final DurabilityPolicy policy;

    private QueueFile(long id, String name, MappedRegion region, PriorityRing ring, ObjectDirectory directory,
            IpcProcess creator, int maxMessageSize, int maxMessages, WaitStrategy waitStrategy,
            QueueDurability durability, GroupCommit group) {
        super(ObjectType.QUEUE, id, name, ObjectType.QUEUE.label() + " '" + name + "'", region, directory, creator,
                null);
        this.ring = ring;
        this.maxMessageSize = maxMessageSize;
        this.maxMessages = maxMessages;
        this.waitStrategy = waitStrategy;
        this.depthMark = new DepthMark(region, HIGH_WATER_MARK);
        this.durability = durability;
        this.policy = ring == null ? DurabilityPolicy.NOTHING
                : DurabilityPolicy.of(durability, region, displayName(), group);
    }

    /**
     * Writes the queue header and lays out an empty ring in a new file; a durable queue's file is
     * then flushed, so that it is whole on disk before its name appears.
     */
    static void initialize(MappedRegion region, int maxMessageSize, int maxMessages, int mode,
            WaitStrategy waitStrategy, QueueDurability durability, IpcProcess self) {
        int freeScale = PriorityRingDescriptor.FREE_SCALE;
        new ObjectFileHeader(region).initialize(ObjectType.QUEUE, layoutVersion(freeScale), RING_OFFSET,
                ringLength(maxMessageSize, maxMessages, freeScale), mode, self, System.currentTimeMillis());
        StaleObjects.recordCreator(region, CREATOR, CREATOR_NAMESPACE);
        region.putInt(MAX_MESSAGE_SIZE, maxMessageSize);
        region.putInt(MAX_MESSAGES, maxMessages);
        region.putInt(WAIT_STRATEGY, WaitLoop.word(waitStrategy));
        region.putInt(DURABILITY, durability.ordinal());
        PriorityRing.initialize(region, RING_OFFSET, maxMessages, maxMessageSize, 0,
                durability != QueueDurability.NONE, freeScale);
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
        ObjectFileHeader header = PortFiles.verifiedHeader(region, ObjectType.QUEUE, LAYOUT_VERSION,
                LAYOUT_VERSION_PRN3, RING_OFFSET, fileLength, what);
        int freeScale = freeScale(PortFiles.layoutVersion(region));
        int size = region.getInt(MAX_MESSAGE_SIZE);
        int count = region.getInt(MAX_MESSAGES);
        if (size < 1 || count < 1 || header.dataLength() != ringLength(size, count, freeScale)) {
            throw new IpcException(IpcError.CORRUPTED, what + " declares " + count + " messages of " + size
                    + " bytes, which do not match its " + header.dataLength() + " bytes of data");
        }
        WaitStrategy waitStrategy = WaitLoop.fromWord(region.getInt(WAIT_STRATEGY), what);
        QueueDurability durability = durability(region, what);
        PriorityRing ring = null;
        if (mapped) {
            ring = PriorityRing.attach(region, RING_OFFSET, header.dataLength(), what, r -> notifyListener(region, r));
            checkRing(ring, count, size, freeScale, what);
        }
        IpcProcess creator = ObjectOwners.creatorOf(opened, ObjectOwners.permissionsOf(opened));
        return new QueueFile(opened.inode(), name, region, ring, directory, creator, size, count, waitStrategy,
                durability, group);
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
        String what = ObjectType.QUEUE.label() + " '" + name + "'";
        PriorityRing ring = PriorityRing.attach(region, RING_OFFSET, ringLength(size, count), what,
                r -> notifyListener(region, r));
        checkRing(ring, count, size, PriorityRingDescriptor.FREE_SCALE, what);
        return new QueueFile(created.inode(), name, region, ring, directory, self, size, count,
                WaitLoop.fromWord(region.getInt(WAIT_STRATEGY), what), durability(region, what), group);
    }

    /**
     * Tells the queue's listener, in whatever process it is, that the queue went from no message
     * to some while no receiver slept on it: called by whichever thread made that happen (the
     * sender, or a receiver that marked a priority again that a sender published into while the
     * receiver cleared it).
     */
    private static void notifyListener(MappedRegion region, PriorityRing ring) {
        if (region.getLongVolatile(LISTENER_OWNER) != 0 && ring.signals().receiversSleeping() == 0) {
            region.getAndAddInt(NOTIFY_SEQUENCE, 1);
            Futex.wake(region, NOTIFY_SEQUENCE, Integer.MAX_VALUE);
        }
    }


    String plainName() {
        return name().orElseThrow();
    }

    PriorityRing ring() {
        return ring;
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
        depthMark.sentInto(ring);
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
        PortFiles.addDirection(c, region(), MESSAGES_IN, ring, RING_OFFSET, maxMessages,
                HandleCounters.sums(region(), COUNTERS_OF_HANDLES, COUNTERS_OF_HANDLES));
        c[Counter.HANDLES.ordinal()] = Math.max(0, region().getLongVolatile(HANDLES));
        return new ObjectInfo(ObjectType.QUEUE, id(), name(), creator(), listedPermissions(), maxMessages, true,
                Statistics.of(c, WaitTimes.NONE)).withWaitStrategy(waitStrategy);
    }
}
