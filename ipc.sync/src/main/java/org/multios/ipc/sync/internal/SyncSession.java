package org.multios.ipc.sync.internal;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.spi.CallerContext;

/** The handles one calling process holds; closing the session closes them all. */
final class SyncSession {
    private final CallerContext caller;
    private final Set<SyncHandle> handles = ConcurrentHashMap.newKeySet();
    private final java.util.Map<Long, Long> namedObjects = new java.util.concurrent.ConcurrentHashMap<>();
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

    /** Refuses service through a session that was released. */
    void checkOpen() {
        if (closed) {
            throw org.multios.ipc.IpcException.closed("the synchronization service of " + caller.process());
        }
    }

    /** Remembers the object quota a named object this caller created holds (by inode). */
    void created(long inode) {
        namedObjects.put(inode, 1L);
    }

    /** Gives back the object quota of a named object this caller created, when it is unlinked. */
    void unlinked(long inode) {
        if (namedObjects.remove(inode) != null) {
            caller.release(org.multios.ipc.Quota.OBJECTS, 1);
        }
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
        for (Long inode : java.util.List.copyOf(namedObjects.keySet())) {
            unlinked(inode);
        }
    }
}
