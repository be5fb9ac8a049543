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
import org.multios.ipc.shm.mapped.MappedRegion;
import org.multios.ipc.shm.mapped.ObjectDirectory;
import org.multios.ipc.shm.mapped.ObjectFileHeader;

/**
 * One segment as this JVM maps it: the mapped file (named) or an unlinked file (anonymous),
 * its counters in the shared header, and how many handles and mappings of this JVM use it.
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

    /** One fewer; the last one lets the segment go. */
    void release() {
        if (users.decrementAndGet() == 0 && released.compareAndSet(false, true)) {
            onUnused.run();
        }
    }

    /**
     * Adds to a counter of the shared header. A process that may only read the file cannot
     * count; its use shows in the operating system's view instead.
     */
    void count(int counterOffset, long delta) {
        if (region.isWritable()) {
            region.getAndAddLong(counterOffset, delta);
        }
    }

    ObjectInfo info() {
        long[] c = new long[Counter.values().length];
        c[Counter.HANDLES.ordinal()] = region.getLongVolatile(MAPPINGS_NOW_OFFSET)
                + region.getLongVolatile(HANDLES_NOW_OFFSET);
        c[Counter.BYTES_IN.ordinal()] = region.getLongVolatile(BYTES_WRITTEN_OFFSET);
        c[Counter.BYTES_OUT.ordinal()] = region.getLongVolatile(BYTES_READ_OFFSET);
        c[Counter.ATOMIC_OPERATIONS.ordinal()] = region.getLongVolatile(ATOMIC_OPERATIONS_OFFSET);
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
