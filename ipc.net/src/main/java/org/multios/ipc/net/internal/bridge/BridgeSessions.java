package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.MAX_SESSIONS_PER_PEER;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.bridge.BridgeSession.Held;

/**
 * The sessions of one bridge ({@link BridgeDescriptor}), by session id: which connection each
 * is attached to, and a grace timer (on the table's own named thread, never the reactor) for
 * each that has none. At most {@link BridgeDescriptor#MAX_SESSIONS_PER_PEER} per identity and
 * {@link #MAX_SESSIONS} in all.
 */
final class BridgeSessions {
    /** The most sessions one bridge keeps. */
    static final int MAX_SESSIONS = 4096;
    /** How long a session without a connection keeps its custody unless told otherwise. */
    static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);

    /** An attached session, whether it existed before, and the connection it was taken from (or null). */
    record Attached(BridgeSession session, boolean resumed, BridgeConnection previous) {
    }

    private final String bridge;
    private final Consumer<Held> putBack;
    private final CustodyBudget budget;
    private final ScheduledThreadPoolExecutor timer;
    private final Map<Long, BridgeSession> sessions = new HashMap<>();
    private volatile Duration grace = DEFAULT_GRACE;
    private boolean closed;

    BridgeSessions(String bridge, long bridgeId, Consumer<Held> putBack, CustodyBudget budget) {
        this.bridge = bridge;
        this.putBack = putBack;
        this.budget = budget;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "ipc-net-bridge-" + bridgeId + "-sessions");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    Duration grace() {
        return grace;
    }

    /** The bytes kept for the sessions' custody. */
    CustodyBudget budget() {
        return budget;
    }

    void grace(Duration value) {
        if (value == null || value.isNegative()) {
            throw IpcException.invalidArgument(bridge + ": a session grace must be zero or more, not " + value);
        }
        grace = value;
    }

    /**
     * Attaches a connection to session {@code id} of {@code identity}, creating it if new; the
     * session's previous connection (if live) is returned for the caller to close.
     *
     * @throws IpcException PERMISSION_DENIED if another identity holds the session;
     *         LIMIT_EXCEEDED if a new session passes a limit
     */
    synchronized Attached attach(String identity, long id, BridgeConnection c) {
        if (closed) {
            throw IpcException.closed(bridge);
        }
        BridgeSession s = sessions.get(id);
        if (s != null && !s.identity().equals(identity)) {
            throw IpcException.permissionDenied("resume session " + Long.toUnsignedString(id), bridge, identity
                    + " (the session belongs to another peer)");
        }
        boolean resumed = s != null;
        if (s == null) {
            long mine = sessions.values().stream().filter(x -> x.identity().equals(identity)).count();
            if (mine >= MAX_SESSIONS_PER_PEER || sessions.size() >= MAX_SESSIONS) {
                throw new IpcException(IpcError.LIMIT_EXCEEDED, bridge + " keeps at most " + MAX_SESSIONS_PER_PEER
                        + " sessions per peer and " + MAX_SESSIONS + " in all; " + identity + " has " + mine
                        + ", there are " + sessions.size() + " (END a session, or wait for its grace)");
            }
            s = new BridgeSession(identity, id, budget);
            sessions.put(id, s);
        }
        if (s.expiry != null) {
            s.expiry.cancel(false);
            s.expiry = null;
        }
        BridgeConnection previous = s.connection == c ? null : s.connection;
        s.connection = c;
        return new Attached(s, resumed, previous);
    }

    /** The client opened the session again: what it has is acknowledged, the rest goes back. */
    void resume(BridgeSession s, Set<Integer> received) {
        s.resume(received).forEach(putBack);
    }

    /** The session's connection ended: its grace starts. */
    synchronized void detach(BridgeSession s, BridgeConnection c) {
        if (s.connection != c) {
            return;
        }
        s.connection = null;
        if (sessions.get(s.id()) == s && !closed) {
            s.expiry = timer.schedule(() -> expire(s), grace.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void expire(BridgeSession s) {
        synchronized (this) {
            if (s.connection != null || sessions.get(s.id()) != s) {
                return;
            }
            sessions.remove(s.id());
        }
        s.end().forEach(putBack);
    }

    /**
     * Ends a session (the client's END): the messages of {@code received} are acknowledged, the
     * session is forgotten and the rest of its custody goes back.
     *
     * @return how many messages went back
     */
    int end(BridgeSession s, Set<Integer> received) {
        received.forEach(s::acknowledge);
        synchronized (this) {
            sessions.remove(s.id(), s);
            if (s.expiry != null) {
                s.expiry.cancel(false);
            }
        }
        List<Held> back = s.end();
        back.forEach(putBack);
        return back.size();
    }

    /** How many sessions the bridge keeps. */
    synchronized int size() {
        return sessions.size();
    }

    /** The bridge closes: every session ends and its custody goes back. */
    void close() {
        List<BridgeSession> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        timer.shutdownNow();
        for (BridgeSession s : all) {
            s.end().forEach(putBack);
        }
    }
}
