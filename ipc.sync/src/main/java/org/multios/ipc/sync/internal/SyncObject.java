package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Statistics;
import org.multios.ipc.WaitTimes;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.core.mapped.WaitLoop;

/**
 * One synchronization object as this JVM maps it: its page (named file or unlinked file), its
 * identity, and the wait-time histogram of waits made from this JVM.
 */
final class SyncObject {
    private final ObjectType type;
    private final long id;
    private final String name;
    private final MappedRegion region;
    private final ObjectDirectory directory;
    private final IpcProcess creator;
    private final ConcurrentHistogram waitTimes = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(10), 2);
    private final WaitStrategy waitStrategy;
    private volatile Permissions anonymousPermissions;

    SyncObject(ObjectType type, long id, String name, MappedRegion region, ObjectDirectory directory,
            IpcProcess creator, Permissions anonymousPermissions) {
        this.type = type;
        this.id = id;
        this.name = name;
        this.region = region;
        this.directory = directory;
        this.creator = creator;
        this.anonymousPermissions = anonymousPermissions;
        this.waitStrategy = WaitLoop.fromWord(region.getInt(SyncDescriptor.WAIT_STRATEGY), displayName());
    }

    ObjectType type() {
        return type;
    }

    long id() {
        return id;
    }

    Optional<String> name() {
        return Optional.ofNullable(name);
    }

    MappedRegion region() {
        return region;
    }

    /** The strategy the object was created with. */
    WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    IpcProcess creator() {
        return creator;
    }

    String displayName() {
        return name != null ? type.label() + " '" + name + "'" : "anonymous " + type.label() + " #" + id;
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
    }

    void count(int offset, long delta) {
        if (region.isWritable()) {
            region.getAndAddLong(offset, delta);
        }
    }

    void recordWait(long nanos) {
        waitTimes.recordValue(Math.min(Math.max(nanos, 1), waitTimes.getHighestTrackableValue()));
    }

    /** A snapshot; {@code capacity} is what the kind reports as its size. */
    ObjectInfo info(long capacity) {
        long[] c = new long[Counter.values().length];
        c[Counter.WAITS.ordinal()] = region.getLongVolatile(WAITS);
        c[Counter.TIMEOUTS.ordinal()] = region.getLongVolatile(TIMEOUTS);
        c[Counter.MESSAGES_IN.ordinal()] = region.getLongVolatile(POSTS) + CounterSlots.sum(region, SyncHandle.POSTED);
        c[Counter.MESSAGES_OUT.ordinal()] = region.getLongVolatile(ACQUISITIONS)
                + CounterSlots.sum(region, SyncHandle.ACQUIRED);
        c[Counter.CONTENTION.ordinal()] = region.getLongVolatile(CONTENTION);
        c[Counter.HANDLES.ordinal()] = region.getLongVolatile(HANDLES);
        c[Counter.DEPTH.ordinal()] = type == ObjectType.SEMAPHORE ? region.getIntVolatile(STATE) : 0;
        Permissions p;
        try {
            p = permissions();
        } catch (RuntimeException unlinked) {
            p = Permissions.of(creator, 0);
        }
        ConcurrentHistogram h = waitTimes;
        WaitTimes w = h.getTotalCount() == 0 ? WaitTimes.NONE
                : new WaitTimes(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
        return new ObjectInfo(type, id, name(), creator, p, capacity, name != null, Statistics.of(c, w))
                .withWaitStrategy(waitStrategy);
    }
}
