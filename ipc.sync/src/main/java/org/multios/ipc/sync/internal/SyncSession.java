package org.multios.ipc.sync.internal;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.core.mapped.SleeperWatch;
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
    private final SleeperWatch sleepers;

    SyncSession(CallerContext caller, SleeperWatch sleepers) {
        this.caller = caller;
        this.sleepers = sleepers;
        this.gate = new SessionGate("the synchronization service of " + caller.process());
    }

    SessionGate gate() {
        return gate;
    }

    /** The mechanism's watch, through which the session's handles sleep. */
    SleeperWatch sleepers() {
        return sleepers;
    }

    CallerContext caller() {
        return caller;
    }

    /**
     * Adds a handle. A handle added once the gate closed is closed here; one added before is
     * seen by the closing loops below (which tell each handle, {@link SyncHandle#sessionClosing}).
     */
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
     * Marks the session closed once the service calls under way have ended and wakes its waiters,
     * which stop with CLOSED, before any lock is released.
     */
    void markClosed() {
        gate.close();
        for (SyncHandle h : handles) {
            h.sessionClosing();
            h.wakeSleepers();
        }
    }

    /** Closes every handle: locks are released (robust mutexes as owner-dead), waiters wake with CLOSED. */
    void close() {
        gate.close();
        for (SyncHandle h : new ArrayList<>(handles)) {
            h.sessionClosing();
            h.close();
        }
    }
}
