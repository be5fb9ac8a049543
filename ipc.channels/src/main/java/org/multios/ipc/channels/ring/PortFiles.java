package org.multios.ipc.channels.ring;

import static org.multios.ipc.core.mapped.ObjectFileDescriptor.CACHE_LINE;

import java.util.function.Supplier;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.core.mapped.ObjectFileHeader;

/**
 * What a queue's and a channel's file have in common, so that QueueFile and ChannelFile keep only
 * their own parts: the checks of the common header on open and the counters of one message
 * direction (identity and permissions are {@link org.multios.ipc.core.mapped.ObjectFile}'s).
 *
 * <p>A direction's counters are nine longs, each on its own cache line, from its messages-in
 * word on: messages in, messages out, bytes in, bytes out, high-water mark, waits, timeouts,
 * errors, denials (QueueDescriptor and ChannelDescriptor draw them so).
 */
public final class PortFiles {
    /** The counters of a direction in the order of their cache lines from messages in. */
    private static final Counter[] DIRECTION = { Counter.MESSAGES_IN, Counter.MESSAGES_OUT, Counter.BYTES_IN,
        Counter.BYTES_OUT, Counter.HIGH_WATER_MARK, Counter.WAITS, Counter.TIMEOUTS, Counter.ERRORS,
        Counter.DENIALS };

    private PortFiles() {
    }

    /**
     * The common header of an opened file, checked: the kind, layout version and data length,
     * and the ring (or rings) from {@code dataOffset} on.
     *
     * @throws IpcException CORRUPTED naming {@code what} if the file is not of this kind and layout
     */
    public static ObjectFileHeader verifiedHeader(MappedRegion region, ObjectType type, int layoutVersion,
            int dataOffset, long fileLength, String what) {
        return verifiedHeader(region, type, layoutVersion, layoutVersion, dataOffset, fileLength, what);
    }

    /**
     * The common header of an opened file, checked as
     * {@link #verifiedHeader(MappedRegion, ObjectType, int, int, long, String)} does, of layout
     * version {@code layoutVersion} or {@code earlierVersion} (one this platform still reads);
     * {@link #layoutVersion} says which.
     *
     * @throws IpcException CORRUPTED naming {@code what} and the version for any other version
     */
    public static ObjectFileHeader verifiedHeader(MappedRegion region, ObjectType type, int layoutVersion,
            int earlierVersion, int dataOffset, long fileLength, String what) {
        return verifiedHeader(region, type, dataOffset, fileLength, what, layoutVersion, earlierVersion);
    }

    /**
     * The common header of an opened file, checked as
     * {@link #verifiedHeader(MappedRegion, ObjectType, int, int, long, String)} does, of one of
     * the layout {@code versions} this platform reads (the first is the newest);
     * {@link #layoutVersion} says which.
     *
     * @throws IpcException CORRUPTED naming {@code what} and the version for any other version
     */
    public static ObjectFileHeader verifiedHeader(MappedRegion region, ObjectType type, int dataOffset,
            long fileLength, String what, int... versions) {
        ObjectFileHeader header = new ObjectFileHeader(region);
        header.verifyCommon(type, fileLength, what);
        int layout = layoutVersion(region);
        if (java.util.Arrays.stream(versions).noneMatch(v -> v == layout)) {
            throw new IpcException(IpcError.CORRUPTED, what + " has " + type.label() + " layout version " + layout
                    + "; this platform reads " + readable(versions));
        }
        if (header.headerLength() != dataOffset || region.length() < dataOffset) {
            throw new IpcException(IpcError.CORRUPTED, what + " has its data at " + header.headerLength() + ", not "
                    + dataOffset);
        }
        return header;
    }

    /** "8, 7 and 6": the versions, each once, in the order given. */
    private static String readable(int... versions) {
        int[] v = java.util.Arrays.stream(versions).distinct().toArray();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : i == v.length - 1 ? " and " : ", ").append(v[i]);
        }
        return b.toString();
    }

    /**
     * Checks that an attached ring has the free ring its file's layout version says.
     *
     * @throws IpcException CORRUPTED naming {@code what}, the version and both magics
     */
    public static void checkFreeScale(PriorityRing ring, int freeScale, ObjectType type, int layoutVersion,
            String what) {
        if (ring.freeRingScale() != freeScale) {
            throw new IpcException(IpcError.CORRUPTED, what + " has " + type.label() + " layout version "
                    + layoutVersion + " but a ring of magic 0x"
                    + Integer.toHexString(PriorityRingDescriptor.magic(ring.freeRingScale())) + ", not 0x"
                    + Integer.toHexString(PriorityRingDescriptor.magic(freeScale)));
        }
    }

    /** The object layout version of a file's common header. */
    public static int layoutVersion(MappedRegion region) {
        return region.getInt(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET);
    }

    /**
     * Adds the counters of one direction to {@code c} (indexed by {@link Counter#ordinal()}), with
     * what the handles counted in counter slots added to the shared counters ({@code handleCounts}:
     * messages in, messages out, bytes in and bytes out). The depth is the ring's if it is attached;
     * else, where the region (a copy of the file) holds the ring's controls, read from them: a ring
     * with priorities' index rings, or whether a lane holds a record its receivers have not taken
     * ({@link LaneDescriptor#holdsRecords}); else messages in minus out, at most {@code capacity},
     * as the high-water mark. A sender killed after it published a message but before it counted
     * it leaves the counters short, never the ring: what a collection keeps for messages waiting
     * is read from the ring where the copy reaches it.
     *
     * @param messagesIn the offset of the direction's messages-in counter
     * @param ring       the direction's ring, null for a file only listed
     * @param ringBase   where the direction's ring starts in the file
     * @param lane       whether that ring is a lane ({@link LaneDescriptor}), not a ring with priorities
     */
    public static void addDirection(long[] c, MappedRegion region, int messagesIn, MessageRing ring,
            long ringBase, boolean lane, long capacity, long[] handleCounts) {
        long[] v = new long[DIRECTION.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = region.getLongVolatile(messagesIn + (long) i * CACHE_LINE) + (i < 4 ? handleCounts[i] : 0);
            c[DIRECTION[i].ordinal()] += DIRECTION[i] == Counter.HIGH_WATER_MARK ? Math.min(capacity, v[i]) : v[i];
        }
        long depth;
        if (ring != null) {
            depth = ring.size();
        } else if (!lane && region.length() >= ringBase + PriorityRingDescriptor.ENTRIES_OFFSET) {
            depth = IndexRings.size(region, ringBase, capacity);
        } else {
            depth = Math.max(0, Math.min(capacity, v[0] - v[1]));
            if (depth == 0 && lane && LaneDescriptor.holdsRecords(region, ringBase)) {
                depth = 1; // uncounted, but waiting
            }
        }
        c[Counter.DEPTH.ordinal()] += depth;
    }
}
