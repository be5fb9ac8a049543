package org.multios.ipc.shm.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.SessionGate;

/**
 * What one calling process holds in the mechanism: its handles and mappings. Service calls run inside the session ({@link #enter}), so that
 * closing it (its release) waits for them.
 */
final class Session {
    private final CallerContext caller;
    private final Set<SegmentHandle> handles = ConcurrentHashMap.newKeySet();
    private final Set<SegmentMapping> mappings = ConcurrentHashMap.newKeySet();
    private final SessionGate calls;

    Session(CallerContext caller) {
        this.caller = caller;
        this.calls = new SessionGate("the shared memory service of " + caller.process());
    }

    SessionGate gate() {
        return calls;
    }

    CallerContext caller() {
        return caller;
    }

    SegmentHandle track(SegmentHandle handle) {
        handles.add(handle);
        if (calls.isClosed()) {
            handle.close();
        }
        return handle;
    }

    void forget(SegmentHandle handle) {
        handles.remove(handle);
    }

    void forget(SegmentMapping mapping) {
        mappings.remove(mapping);
    }

    Mapping map(SegmentHandle handle, Segment segment, MapAccess access, long offset, long length) {
        SegmentMapping mapping = new SegmentMapping(this, handle, segment, access, offset, length);
        mappings.add(mapping);
        if (calls.isClosed()) {
            mapping.close();
        }
        return mapping;
    }

    /** Folds the atomic-operation counts of this session's mappings of the segment into its header. */
    void flushCounters(Segment segment) {
        for (SegmentMapping m : mappings) {
            if (m.segment() instanceof SegmentHandle h && h.segmentObject() == segment) {
                m.flushCounters();
            }
        }
    }

    int connections() {
        return handles.size() + mappings.size();
    }

    /**
     * Once the service calls under way have ended, closes every handle and mapping, later ones as
     * they are made. The named segments this caller created go on counting against their owner's
     * quota while they exist: the root holds them ({@code RootHoldings}).
     */
    void close() {
        calls.close();
        for (SegmentMapping m : new ArrayList<>(mappings)) {
            m.close();
        }
        for (SegmentHandle h : new ArrayList<>(handles)) {
            h.close();
        }
    }

    List<SegmentHandle> handles() {
        return List.copyOf(handles);
    }
}
