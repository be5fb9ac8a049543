package org.multios.ipc.net.internal.stream;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The deadlines of an open {@link FramedSocket}'s peer, checked at each reactor tick: the
 * output stall (bytes wait for the peer and it takes none) and the idle timeout (no frame either
 * way while no request of the peer runs).
 */
final class PeerDeadlines {
    private volatile long idleNanos;
    private volatile long stallNanos;
    private volatile BooleanSupplier busy = () -> false;

    /** 0 for none. */
    void idleTimeout(long nanos) {
        this.idleNanos = nanos;
    }

    /** A peer stalls after {@code nanos} (0: never); the connection is not idle while {@code work} says so. */
    void serveRequests(long nanos, BooleanSupplier work) {
        this.stallNanos = nanos;
        this.busy = work;
    }

    /** Why the peer is dropped as stalled, or null if it is not. */
    String stalled(long now, Outbound outbound) {
        long stall = stallNanos;
        if (stall <= 0 || outbound.stalledFor(now) <= stall) {
            return null;
        }
        return "the peer took no byte for " + TimeUnit.NANOSECONDS.toMillis(stall) + " ms while "
                + outbound.waitingBytes() + " bytes waited for it";
    }

    /** Why the connection ends as idle, or null if it is not. */
    String idle(long now, SocketState state) {
        long idle = idleNanos;
        if (idle <= 0 || now - state.lastActivity() <= idle || busy.getAsBoolean()) {
            return null;
        }
        return "the connection was idle for longer than " + TimeUnit.NANOSECONDS.toMillis(idle) + " ms";
    }
}
