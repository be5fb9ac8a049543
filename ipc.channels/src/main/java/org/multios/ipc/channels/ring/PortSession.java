package org.multios.ipc.channels.ring;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Quota;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.SessionGate;

/**
 * What one calling process holds in a message mechanism (queues or channels): its handles (and
 * through them a channel's anonymous ends), and the messages it sent that count against its
 * {@link Quota#QUEUED_MESSAGES} quota until they are received through the mechanism or the
 * session closes. {@link #markClosed()} (the mechanism's {@code releasing()}) refuses every later
 * call and wakes the waiters; {@link #close()} (its release) then closes every handle.
 */
public final class PortSession {
    private final PortSessions owner;
    private final CallerContext caller;
    private final IpcProcess process;
    private final Set<RingPort> handles = ConcurrentHashMap.newKeySet();
    private final QueuedCount queued = new QueuedCount();
    private final SessionGate gate;

    PortSession(PortSessions owner, CallerContext caller, String service) {
        this.owner = owner;
        this.caller = caller;
        this.process = caller.process();
        this.gate = new SessionGate(service + " of " + process);
    }

    /** The sessions of the mechanism. */
    PortSessions owner() {
        return owner;
    }

    public SessionGate gate() {
        return gate;
    }

    public CallerContext caller() {
        return caller;
    }

    /** Tracks a handle opened in this session; closes it at once if the session closed meanwhile. */
    public <H extends RingPort> H track(H handle) {
        handles.add(handle);
        if (gate.isClosed()) {
            handle.close();
        }
        return handle;
    }

    /** Forgets a handle that closed. */
    public void forget(RingPort handle) {
        handles.remove(handle);
    }

    /** Handles open in this session. */
    public int size() {
        return handles.size();
    }

    /** Reserves one queued message against the caller's quota. */
    void reserveQueued() {
        caller.reserve(Quota.QUEUED_MESSAGES, 1);
        queued.increment();
    }

    /** Gives one queued message back, if any is held. */
    void releaseQueued() {
        if (queued.decrementIfPositive()) {
            caller.release(Quota.QUEUED_MESSAGES, 1);
        }
    }

    /** Whether the message described was sent by this session's process. */
    boolean sent(MessageInfo info) {
        return info.senderId() == process.id() && info.senderPid() == process.pid()
                && info.senderKind() == process.kind();
    }

    /**
     * Refuses every later service call and operation of this session's handles, once the calls
     * under way have ended; waiters wake with CLOSED.
     */
    void markClosed() {
        gate.close();
        for (RingPort h : new ArrayList<>(handles)) {
            h.sessionClosing(); // from now on its steps check the gate too
            h.wakeWaitersClosing();
        }
    }

    /**
     * Leaves the sessions receives walk, closes every handle (waiters wake with CLOSED) and gives
     * back the quota still held.
     */
    void close() {
        owner.leave(this);
        markClosed();
        for (RingPort h : new ArrayList<>(handles)) {
            h.close();
        }
        long n = queued.takeAll();
        if (n > 0) {
            caller.release(Quota.QUEUED_MESSAGES, n);
        }
    }
}
