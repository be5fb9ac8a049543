package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

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
import org.multios.ipc.core.mapped.ObjectFile;
import org.multios.ipc.core.mapped.WaitLoop;

/**
 * One synchronization object as this JVM maps it: its page (named file or unlinked file), its
 * identity, and the wait-time histogram of waits made from this JVM.
 */
final class SyncObject extends ObjectFile {
    private final ConcurrentHistogram waitTimes = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(10), 2);
    private final WaitStrategy waitStrategy;

    SyncObject(ObjectType type, long id, String name, MappedRegion region, ObjectDirectory directory,
            IpcProcess creator, Permissions anonymousPermissions) {
        super(type, id, name, name != null ? type.label() + " '" + name + "'" : "anonymous " + type.label() + " #" + id,
                region, directory, creator, anonymousPermissions);
        this.waitStrategy = WaitLoop.fromWord(region.getInt(SyncDescriptor.WAIT_STRATEGY), displayName());
    }

    /** The strategy the object was created with. */
    WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    void count(int offset, long delta) {
        if (region().isWritable()) {
            region().getAndAddLong(offset, delta);
        }
    }

    void recordWait(long nanos) {
        waitTimes.recordValue(Math.min(Math.max(nanos, 1), waitTimes.getHighestTrackableValue()));
    }

    /** A snapshot; {@code capacity} is what the kind reports as its size. */
    ObjectInfo info(long capacity) {
        MappedRegion r = region();
        long[] c = new long[Counter.values().length];
        c[Counter.WAITS.ordinal()] = r.getLongVolatile(WAITS);
        c[Counter.TIMEOUTS.ordinal()] = r.getLongVolatile(TIMEOUTS);
        c[Counter.MESSAGES_IN.ordinal()] = r.getLongVolatile(POSTS) + SyncDescriptor.COUNTERS.sum(r, SyncHandle.POSTED);
        c[Counter.MESSAGES_OUT.ordinal()] = r.getLongVolatile(ACQUISITIONS)
                + SyncDescriptor.COUNTERS.sum(r, SyncHandle.ACQUIRED);
        c[Counter.CONTENTION.ordinal()] = r.getLongVolatile(CONTENTION);
        c[Counter.HANDLES.ordinal()] = r.getLongVolatile(HANDLES);
        c[Counter.DEPTH.ordinal()] = type() == ObjectType.SEMAPHORE ? r.getIntVolatile(STATE) : 0;
        ConcurrentHistogram h = waitTimes;
        WaitTimes w = h.getTotalCount() == 0 ? WaitTimes.NONE
                : new WaitTimes(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
        return new ObjectInfo(type(), id(), name(), creator(), listedPermissions(), capacity, !isAnonymous(),
                Statistics.of(c, w)).withWaitStrategy(waitStrategy);
    }
}
