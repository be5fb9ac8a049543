package org.multios.ipc.net.internal.stream;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The deadlines of an open {@link FramedSocket}'s peer, checked at each reactor tick: the
 * output stall (the peer does not take what waits for it: {@link DrainClock}) and the idle timeout (no frame either
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

    /** Why the peer is dropped as stalled ({@link DrainClock}), or null if it is not. */
    String stalled(long now, Outbound outbound) {
        long stall = stallNanos;
        return stall <= 0 ? null : outbound.stalled(now, stall);
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
