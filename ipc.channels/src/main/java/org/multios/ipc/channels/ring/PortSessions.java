package org.multios.ipc.channels.ring;

import java.util.Arrays;

import org.multios.ipc.MessageInfo;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.spi.CallerContext;

/**
 * The sessions of one message mechanism (queues or channels), one per caller bound, as the
 * receive path walks them: a receive gives a message's queued-quota back to the session that
 * sent it. The {@link PortMechanism} keeps them by caller; a session joins here when it is made
 * and leaves before it closes.
 */
final class PortSessions {
    private final ThreadLocal<MessageInfo> scratch = ThreadLocal.withInitial(MessageInfo::new);
    /** The sessions as an array, for the receive path to walk without an iterator. */
    private volatile PortSession[] sessionArray = new PortSession[0];
    private final String service;

    /** Wakes the mechanism's sleepers once they are interrupted. */
    private final SleeperWatch sleepers;

    /**
     * @param service the mechanism's service, named in messages ("the channel service")
     * @param kind    the mechanism's objects, naming its {@link SleeperWatch} thread ("channel")
     */
    PortSessions(String service, String kind) {
        this.service = service;
        this.sleepers = new SleeperWatch(kind);
    }

    /** The watch through which every wait of the mechanism sleeps. */
    SleeperWatch sleepers() {
        return sleepers;
    }

    /** A new session of {@code caller}. */
    synchronized PortSession open(CallerContext caller) {
        PortSession session = new PortSession(this, caller, service);
        PortSession[] old = sessionArray;
        PortSession[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = session;
        sessionArray = grown;
        return session;
    }

    /** A session is about to close: receives no longer look at it. */
    synchronized void leave(PortSession session) {
        sessionArray = Arrays.stream(sessionArray).filter(s -> s != session).toArray(PortSession[]::new);
    }

    /**
     * Refuses every later call of every session and wakes their waiters with CLOSED: the
     * mechanism's {@code releasing()}, before the callers are released.
     */
    void releasing() {
        for (PortSession s : sessionArray) {
            s.markClosed();
        }
    }

    /** Stops the watch: the mechanism stopped, its sessions are closed. */
    void close() {
        sleepers.close();
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
