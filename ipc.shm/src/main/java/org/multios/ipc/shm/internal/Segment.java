package org.multios.ipc.shm.internal;

import static org.multios.ipc.shm.internal.SegmentDescriptor.*;

import java.util.Objects;
import java.util.Optional;
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
import org.multios.ipc.core.mapped.ObjectFileHeader;

/**
 * One segment as one handle of this JVM maps it: the mapped file (named) or an unlinked file
 * (anonymous), its counters in the shared header, and how many handles and mappings use it.
 * When the handle's grant is revoked, or its last user closes, the mapping is
 * {@link MappedRegion#detach() detached}: native addresses handed out for it read zeros from
 * then on and write where no one sees it; the handle's and mappings' shares of the shared
 * "now" counters are given back first, and its statistics stay as they were then.
 */
final class Segment {
    private final long id;
    private final String name;
    private final MappedRegion region;
    private final long size;
    private final ObjectDirectory directory;
    private final Object fileKey;
    private final IpcProcess creator;
    private final AtomicInteger users = new AtomicInteger();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Runnable onUnused;
    private volatile Permissions anonymousPermissions;
    /** This handle's share of HANDLES_NOW and MAPPINGS_NOW in the shared header. Guarded by this. */
    private long handlesNow;
    private long mappingsNow;
    /** The shared counters when the mapping was detached; null before. */
    private volatile long[] countersAtDetach;

    Segment(long id, String name, MappedRegion region, long size, ObjectDirectory directory, Object fileKey,
            IpcProcess creator, Permissions anonymousPermissions, Runnable onUnused) {
        this.id = id;
        this.name = name;
        this.region = region;
        this.size = size;
        this.directory = directory;
        this.fileKey = fileKey;
        this.creator = creator;
        this.anonymousPermissions = anonymousPermissions;
        this.onUnused = onUnused;
    }

    long id() {
        return id;
    }

    Optional<String> name() {
        return Optional.ofNullable(name);
    }

    String displayName() {
        return name != null ? "shared memory '" + name + "'" : "anonymous shared memory #" + id;
    }

    MappedRegion region() {
        return region;
    }

    long size() {
        return size;
    }

    boolean isAnonymous() {
        return name == null;
    }

    /** Whether the name no longer leads to this segment's file (unlinked, maybe recreated); never for anonymous ones. */
    boolean isUnlinked() {
        return name != null && !Objects.equals(directory.fileKey(name), fileKey);
    }

    Permissions permissions() {
        return name == null ? anonymousPermissions : directory.permissions(name);
    }

    void setPermissions(Permissions permissions) {
        if (name == null) {
            anonymousPermissions = permissions;
        } else {
            directory.setPermissions(name, id, permissions);
        }
        if (region.isWritable()) {
            new ObjectFileHeader(region).mode(permissions.mode());
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
        countersAtDetach = new long[] { region.getLongVolatile(HANDLES_NOW_OFFSET),
                region.getLongVolatile(MAPPINGS_NOW_OFFSET), region.getLongVolatile(BYTES_WRITTEN_OFFSET),
                region.getLongVolatile(BYTES_READ_OFFSET), region.getLongVolatile(ATOMIC_OPERATIONS_OFFSET) };
        region.detach();
    }

    /**
     * Adds to a counter of the shared header. A process that may only read the file cannot
     * count; its use shows in the operating system's view instead.
     */
    void count(int counterOffset, long delta) {
        if (region.isWritable() && countersAtDetach == null) {
            region.getAndAddLong(counterOffset, delta);
        }
    }

    ObjectInfo info() {
        long[] shared = countersAtDetach;
        if (shared == null) {
            shared = new long[] { region.getLongVolatile(HANDLES_NOW_OFFSET),
                    region.getLongVolatile(MAPPINGS_NOW_OFFSET), region.getLongVolatile(BYTES_WRITTEN_OFFSET),
                    region.getLongVolatile(BYTES_READ_OFFSET), region.getLongVolatile(ATOMIC_OPERATIONS_OFFSET) };
        }
        long[] c = new long[Counter.values().length];
        c[Counter.HANDLES.ordinal()] = shared[0] + shared[1];
        c[Counter.BYTES_IN.ordinal()] = shared[2];
        c[Counter.BYTES_OUT.ordinal()] = shared[3];
        c[Counter.ATOMIC_OPERATIONS.ordinal()] = shared[4];
        Permissions p;
        try {
            p = permissions();
        } catch (RuntimeException unlinked) {
            p = Permissions.of(creator, 0);
        }
        return new ObjectInfo(ObjectType.SHARED_MEMORY, id, name(), creator, p, size, name != null,
                Statistics.of(c, WaitTimes.NONE));
    }
}
