package org.multios.ipc.channels.ring;

import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.CallerSessions;

/**
 * The sessions of one message mechanism (queues or channels), one per caller bound: the
 * mechanism's {@code bind}, {@code release} and {@code releasing} go through here, and so does
 * a receive, which gives a message's queued-quota back to the session that sent it.
 */
public final class PortSessions {
    private final CallerSessions<PortSession> sessions;
    private final ThreadLocal<MessageInfo> scratch = ThreadLocal.withInitial(MessageInfo::new);
    /** The sessions as an array, for the receive path to walk without an iterator. */
    private volatile PortSession[] sessionArray = new PortSession[0];

    /** Wakes the mechanism's sleepers once they are interrupted. */
    private final SleeperWatch sleepers;

    /**
     * @param mechanism the mechanism, named by CLOSED once it stopped ("the channel mechanism")
     * @param service   the mechanism's service, named in messages ("the channel service")
     * @param kind      the mechanism's objects, naming its {@link SleeperWatch} thread ("channel")
     */
    public PortSessions(String mechanism, String service, String kind) {
        this.sleepers = new SleeperWatch(kind);
        // a session leaves the array the receive path walks before it closes
        this.sessions = new CallerSessions<>(mechanism,
                c -> new PortSession(this, c, service), s -> {
                    refresh();
                    s.close();
                });
    }

    /** The watch through which every wait of the mechanism sleeps. */
    SleeperWatch sleepers() {
        return sleepers;
    }

    /** The session of {@code caller}, made on its first bind. */
    public PortSession bind(CallerContext caller) {
        PortSession session = sessions.bind(caller);
        refresh();
        return session;
    }

    /** Ends the session of {@code caller}: every handle of it closes, its quota is given back. */
    public void release(CallerContext caller) {
        sessions.release(caller);
    }

    /**
     * Refuses every later call of every session and wakes their waiters with CLOSED: the
     * mechanism's {@code releasing()}, before the callers are released.
     */
    public void releasing() {
        for (PortSession s : sessionArray) {
            s.markClosed();
        }
    }

    /** @throws IpcException CLOSED once the mechanism stopped ({@link #close}) */
    public void checkOpen() {
        sessions.checkOpen();
    }

    /** Releases every session and stops the watch: the mechanism stops. */
    public void close() {
        releasing();
        sessions.releaseAll();
        sleepers.close();
    }

    /** Handles open in every session. */
    public int connectionCount() {
        return sessions.values().stream().mapToInt(PortSession::size).sum();
    }

    private synchronized void refresh() {
        sessionArray = sessions.values().toArray(new PortSession[0]);
    }

    /** A holder for receives that did not pass one, one per thread. */
    MessageInfo scratchInfo() {
        return scratch.get();
    }

    /** A message was received: its sender's quota, if the sender is a caller here, is given back. */
    void taken(MessageInfo info) {
        for (PortSession s : sessionArray) {
            if (s.sent(info)) {
                s.releaseQueued();
                return;
            }
        }
    }
}
