package org.multios.ipc.net.internal.stream;

import java.util.concurrent.atomic.AtomicLong;

import org.multios.ipc.spi.PeerAuthority;

/**
 * What the servers and clients of one network mechanism share: the reactor, the authority
 * that identifies peers, this process's id, and connection numbers (from 2<sup>32</sup>, so that
 * they never collide with bundle ids).
 */
public final class PeerContexts {
    private final Reactor reactor;
    private final PeerAuthority authority;
    private final AtomicLong connections = new AtomicLong(1L << 32);
    private final long pid = ProcessHandle.current().pid();

    /** Shares the given reactor and authority. */
    public PeerContexts(Reactor reactor, PeerAuthority authority) {
        this.reactor = reactor;
        this.authority = authority;
    }

    Reactor reactor() {
        return reactor;
    }

    PeerAuthority authority() {
        return authority;
    }

    long pid() {
        return pid;
    }

    /** A new connection number. */
    long nextConnection() {
        return connections.incrementAndGet();
    }
}
