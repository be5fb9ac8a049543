package org.multios.ipc.sync.internal;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.SessionGate;

/**
 * The handles one calling process holds. Closing the session (its release) waits for the service
 * calls under way, so nothing they create appears after it, then closes every handle.
 */
final class SyncSession {
    private final CallerContext caller;
    private final Set<SyncHandle> handles = ConcurrentHashMap.newKeySet();
    private final SessionGate gate;

    SyncSession(CallerContext caller) {
        this.caller = caller;
        this.gate = new SessionGate("the synchronization service of " + caller.process());
    }

    SessionGate gate() {
        return gate;
    }

    CallerContext caller() {
        return caller;
    }

    <H extends SyncHandle> H track(H handle) {
        handles.add(handle);
        if (gate.isClosed()) {
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

    /**
     * Marks the session closed once the service calls under way have ended, so its waiters stop at
     * their next check, before any lock is released.
     */
    void markClosed() {
        gate.close();
    }

    /** Closes every handle: locks are released (robust mutexes as owner-dead), waiters wake with CLOSED. */
    void close() {
        gate.close();
        for (SyncHandle h : new ArrayList<>(handles)) {
            h.close();
        }
    }
}
