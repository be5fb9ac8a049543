package org.multios.ipc.shm.internal;

import static org.multios.ipc.shm.internal.SegmentDescriptor.*;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.ObjectFile;
import org.multios.ipc.core.mapped.ObjectFileHeader;

/**
 * One segment as one handle of this JVM maps it: the mapped file (named) or an unlinked file
 * (anonymous), its counters in the shared header, and how many handles and mappings use it.
 * When the handle's grant is revoked, or its last user closes, the mapping is
 * {@link MappedRegion#detach() detached}: native addresses handed out for it read zeros from
 * then on and write where no one sees it; the handle's and mappings' shares of the shared
 * "now" counters are given back first, and its statistics stay as they were then.
 */
final class Segment extends ObjectFile {
    private final long size;
    private final Object fileKey;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Runnable onUnused;
    /** This handle's share of HANDLES_NOW and MAPPINGS_NOW in the shared header. Guarded by this. */
    private long handlesNow;
    private long mappingsNow;
    /** The shared counters when the mapping was detached; null before. */
    private volatile long[] countersAtDetach;

    Segment(long id, String name, MappedRegion region, long size, ObjectDirectory directory, Object fileKey,
            IpcProcess creator, Permissions anonymousPermissions, Runnable onUnused) {
        super(ObjectType.SHARED_MEMORY, id, name, name != null ? "shared memory '" + name + "'"
                : "anonymous shared memory #" + id, region, directory, creator, anonymousPermissions);
        this.size = size;
        this.fileKey = fileKey;
        this.onUnused = onUnused;
    }

    long size() {
        return size;
    }

    /** Whether the name no longer leads to this segment's file (unlinked, maybe recreated); never for anonymous ones. */
    boolean isUnlinked() {
        return name().filter(n -> !Objects.equals(directory().fileKey(n), fileKey)).isPresent();
    }

    /** As for every object, and the header's mode too (an anonymous segment's file has no directory to keep it). */
    @Override
    public void setPermissions(Permissions permissions) {
        super.setPermissions(permissions);
        if (region().isWritable()) {
            new ObjectFileHeader(region()).mode(permissions.mode());
        }
    }

    /** One more handle or mapping of this JVM uses the segment. */
    void retain() {
        users.incrementAndGet();
    }

    /** One fewer; the last one detaches the mapping and lets the segment go. */
    void release() {
        if (users.decrementAndGet() == 0 && released.compareAndSet(false, true)) {
            try {
                detach();
            } finally {
                onUnused.run();
            }
        }
    }

    /** Adds to HANDLES_NOW or MAPPINGS_NOW, remembering this handle's share; nothing once detached. */
    synchronized void countNow(int counterOffset, long delta) {
        if (countersAtDetach != null) {
            return;
        }
        if (counterOffset == HANDLES_NOW_OFFSET) {
            handlesNow += delta;
        } else {
            mappingsNow += delta;
        }
        count(counterOffset, delta);
    }

    /**
     * Cuts this handle's mapping from the file (see the class comment); once. Called when the
     * grant is revoked and when the last user closes.
     */
    synchronized void detach() {
        if (countersAtDetach != null) {
            return;
        }
        count(HANDLES_NOW_OFFSET, -handlesNow);
        count(MAPPINGS_NOW_OFFSET, -mappingsNow);
        handlesNow = 0;
        mappingsNow = 0;
        countersAtDetach = sharedCounters();
        region().detach();
    }

    /**
     * Adds to a counter of the shared header. A process that may only read the file cannot
     * count; its use shows in the operating system's view instead.
     */
    void count(int counterOffset, long delta) {
        if (region().isWritable() && countersAtDetach == null) {
            region().getAndAddLong(counterOffset, delta);
        }
    }

    /** The shared header's counters: handles now, mappings now, bytes written, bytes read, atomic operations. */
    private long[] sharedCounters() {
        MappedRegion r = region();
        return new long[] { r.getLongVolatile(HANDLES_NOW_OFFSET), r.getLongVolatile(MAPPINGS_NOW_OFFSET),
            r.getLongVolatile(BYTES_WRITTEN_OFFSET), r.getLongVolatile(BYTES_READ_OFFSET),
            r.getLongVolatile(ATOMIC_OPERATIONS_OFFSET) };
    }

    ObjectInfo info() {
        long[] shared = countersAtDetach;
        if (shared == null) {
            shared = sharedCounters();
        }
        long[] c = new long[Counter.values().length];
        c[Counter.HANDLES.ordinal()] = shared[0] + shared[1];
        c[Counter.BYTES_IN.ordinal()] = shared[2];
        c[Counter.BYTES_OUT.ordinal()] = shared[3];
        c[Counter.ATOMIC_OPERATIONS.ordinal()] = shared[4];
        return new ObjectInfo(ObjectType.SHARED_MEMORY, id(), name(), creator(), listedPermissions(), size, !isAnonymous(),
                Statistics.of(c, WaitTimes.NONE));
    }
}
