package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.MAX_CUSTODY;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * One client's session on a bridge ({@link BridgeDescriptor}): the messages its RECEIVEs took
 * and it has not acknowledged (in custody, by RECEIVE request id), at most
 * {@link BridgeDescriptor#MAX_CUSTODY}. Whoever removes a message from custody is the only one
 * who may put it back, so a message goes back at most once. The connection it is attached to
 * and its grace timer are kept by {@link BridgeSessions}, under that table's lock.
 */
final class BridgeSession {
    /** A message in custody: the reply that carries it and the channel side it was received at. */
    record Held(ChannelSide side, Frame reply) {
    }

    private final String identity;
    private final long id;
    private final CustodyBudget budget;
    private final Map<Integer, Held> custody = new HashMap<>();
    private int reserved;
    private boolean ended;
    /** Guarded by the {@link BridgeSessions} that owns the session. */
    BridgeConnection connection;
    /** Guarded by the {@link BridgeSessions} that owns the session. */
    ScheduledFuture<?> expiry;

    BridgeSession(String identity, long id, CustodyBudget budget) {
        this.identity = identity;
        this.id = id;
        this.budget = budget;
    }

    String identity() {
        return identity;
    }

    long id() {
        return id;
    }

    /** Whether RECEIVE {@code request}'s message is in custody (its id must not run again). */
    synchronized boolean holds(int request) {
        return custody.containsKey(request);
    }

    /**
     * Reserves room in custody for the message a RECEIVE is about to take.
     *
     * @throws IpcException LIMIT_EXCEEDED if the session holds its maximum already, or the
     *         bridge's {@link CustodyBudget} is spent
     */
    synchronized void reserve(String bridge) {
        if (custody.size() + reserved >= MAX_CUSTODY) {
            throw new IpcException(IpcError.LIMIT_EXCEEDED, bridge + ": session " + Long.toUnsignedString(id)
                    + " holds its maximum of " + MAX_CUSTODY + " unacknowledged messages; ACK them first");
        }
        budget.reserve();
        reserved++;
    }

    /** Gives back a reservation whose RECEIVE took nothing (or put its message back). */
    synchronized void unreserve() {
        reserved--;
        budget.unreserve();
    }

    /**
     * Takes a RECEIVE's message into custody (its room was reserved).
     *
     * @return false if the session ended meanwhile: the reply is delivered without custody
     */
    synchronized boolean hold(int request, Held held) {
        reserved--;
        if (ended) {
            budget.unreserve();
            return false;
        }
        budget.hold(held.reply().payload().length);
        free(custody.put(request, held));
        return true;
    }

    /** A message (or null) left custody: its bytes go back to the budget. */
    private void free(Held h) {
        if (h != null) {
            budget.free(h.reply().payload().length);
        }
    }

    /** The reply carrying RECEIVE {@code request}'s message was not delivered: true if the caller must put it back. */
    synchronized boolean release(int request, Frame reply) {
        Held h = custody.get(request);
        if (h == null || h.reply() != reply) {
            return false;
        }
        free(custody.remove(request));
        return true;
    }

    /** The client acknowledged RECEIVE {@code request}: its message leaves custody for good. */
    synchronized boolean acknowledge(int request) {
        Held h = custody.remove(request);
        free(h);
        return h != null;
    }

    /**
     * The client opened the session again, having the messages of {@code received}: those are
     * acknowledged, every other message in custody is returned to be put back.
     */
    synchronized List<Held> resume(Set<Integer> received) {
        received.forEach(r -> free(custody.remove(r)));
        return takeAll();
    }

    /** The session ends: every message in custody is returned to be put back; none is held later. */
    synchronized List<Held> end() {
        ended = true;
        return takeAll();
    }

    private List<Held> takeAll() {
        List<Held> back = new ArrayList<>(custody.values());
        custody.clear();
        back.forEach(this::free);
        return back;
    }

    @Override
    public String toString() {
        return "session " + Long.toUnsignedString(id) + " of " + identity;
    }
}
