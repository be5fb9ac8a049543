package org.multios.ipc.net.internal.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The lifecycle of one {@link FramedSocket}: one state machine whose every transition is a
 * compare-and-set, so that exactly one caller makes each (and runs what follows it).
 *
 * <pre>
 *   HANDSHAKING --open--> OPEN --end--> ENDED --release--> RELEASED
 *        |                                 ^
 *        +--------------end----------------+
 * </pre>
 *
 * <ul>
 * <li><b>HANDSHAKING</b>: only control frames flow, given to the {@link Handshaker}.</li>
 * <li><b>OPEN</b>: DATA frames flow both ways.</li>
 * <li><b>ENDED</b> (the peer said BYE, the connection dropped, went idle or stalled, or this
 * side ended it): nothing more is sent but the BYE or REFUSE; frames received can still be
 * taken. The reason is fixed by the transition.</li>
 * <li><b>RELEASED</b>: the socket is closed.</li>
 * </ul>
 * Whether this side's handle was closed (everything fails with CLOSED) is a flag beside it.
 */
final class SocketState {
    private static final int HANDSHAKING = 0;
    private static final int OPEN = 1;
    private static final int ENDED = 2;
    private static final int RELEASED = 3;

    /** A state and, from ENDED on, why the connection ended. */
    private record Phase(int step, String reason) {
    }

    private final AtomicReference<Phase> phase = new AtomicReference<>(new Phase(HANDSHAKING, null));
    private final List<Runnable> endActions = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private volatile long lastActivity = System.nanoTime();
    private volatile long lingerDeadline;

    /** HANDSHAKING to OPEN; false if the handshake had ended otherwise. */
    boolean open() {
        Phase p = phase.get();
        return p.step() == HANDSHAKING && phase.compareAndSet(p, new Phase(OPEN, null));
    }

    boolean isHandshaking() {
        return phase.get().step() == HANDSHAKING;
    }

    boolean isEnded() {
        return phase.get().step() >= ENDED;
    }

    String endReason() {
        String reason = phase.get().reason();
        return reason == null ? "the connection is open" : reason;
    }

    /**
     * To ENDED with {@code reason}; runs the end actions.
     *
     * @return true for the one call that ended it
     */
    boolean end(String reason) {
        Phase p;
        do {
            p = phase.get();
            if (p.step() >= ENDED) {
                return false;
            }
        } while (!phase.compareAndSet(p, new Phase(ENDED, reason)));
        for (Runnable action : endActions) {
            if (endActions.remove(action)) {
                action.run();
            }
        }
        return true;
    }

    /** ENDED to RELEASED (ending first if needed); true for the one call that released it. */
    boolean release(String reason) {
        end(reason);
        Phase p = phase.get();
        return p.step() == ENDED && phase.compareAndSet(p, new Phase(RELEASED, p.reason()));
    }

    /** Runs {@code action} once the connection has ended (at once if it has). */
    void onEnd(Runnable action) {
        endActions.add(action);
        if (isEnded() && endActions.remove(action)) {
            action.run();
        }
    }

    void markClosed() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /** A frame went in or out. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    long lastActivity() {
        return lastActivity;
    }

    /** The ending side sends what it buffered until {@code deadline} at most. */
    void linger(long deadline) {
        lingerDeadline = deadline;
    }

    boolean lingerExpired(long now) {
        long d = lingerDeadline;
        return d != 0 && now - d > 0;
    }

    void lingerDone() {
        lingerDeadline = 0;
    }
}
