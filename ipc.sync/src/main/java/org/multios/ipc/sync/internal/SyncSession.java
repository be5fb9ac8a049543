package org.multios.ipc.sync.internal;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.spi.CallerContext;

/** The handles one calling process holds; closing the session closes them all. */
final class SyncSession {
    private final CallerContext caller;
    private final Set<SyncHandle> handles = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    SyncSession(CallerContext caller) {
        this.caller = caller;
    }

    CallerContext caller() {
        return caller;
    }

    boolean isClosed() {
        return closed;
    }

    <H extends SyncHandle> H track(H handle) {
        handles.add(handle);
        if (closed) {
            handle.close();
        }
        return handle;
    }

    void forget(SyncHandle handle) {
        handles.remove(handle);
    }

    int size() {
        return handles.size();
    }

    /** Marks the session closed, so its waiters stop at their next check, before any lock is released. */
    void markClosed() {
        closed = true;
    }

    /** Closes every handle: locks are released (robust mutexes as owner-dead), waiters wake with CLOSED. */
    void close() {
        closed = true;
        for (SyncHandle h : new ArrayList<>(handles)) {
            h.close();
        }
    }
}
