package org.multios.ipc.channels.channel;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.Quota;
import org.multios.ipc.channels.ring.QueuedCount;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.SessionGate;

/**
 * What one calling process holds in the channel mechanism: its handles (and through them its
 * anonymous channels), and the messages it sent that count against its
 * {@link Quota#QUEUED_MESSAGES} quota until they are received through this mechanism or the
 * session closes. Closing the session (its release) waits for the service calls under way, so
 * nothing they create appears after it, then closes every handle.
 */
final class ChannelSession {
    private final CallerContext caller;
    private final IpcProcess process;
    private final Set<ChannelHandle> handles = ConcurrentHashMap.newKeySet();
    private final QueuedCount queued = new QueuedCount();
    private final SessionGate gate;

    ChannelSession(CallerContext caller) {
        this.caller = caller;
        this.process = caller.process();
        this.gate = new SessionGate("the channel service of " + process);
    }

    SessionGate gate() {
        return gate;
    }

    CallerContext caller() {
        return caller;
    }

    /**
     * Refuses every later service call and operation of this session's handles, once the calls
     * under way have ended; waiters wake with CLOSED.
     */
    void markClosed() {
        gate.close();
        for (ChannelHandle h : new ArrayList<>(handles)) {
            h.wakeWaiters();
        }
    }

    ChannelHandle track(ChannelHandle handle) {
        handles.add(handle);
        if (gate.isClosed()) {
            handle.close();
        }
        return handle;
    }

    void forget(ChannelHandle handle) {
        handles.remove(handle);
    }

    int size() {
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

    /** Closes every handle (waiters wake with CLOSED) and gives back the quota still held. */
    void close() {
        markClosed();
        for (ChannelHandle h : new ArrayList<>(handles)) {
            h.close();
        }
        long n = queued.takeAll();
        if (n > 0) {
            caller.release(Quota.QUEUED_MESSAGES, n);
        }
    }
}
