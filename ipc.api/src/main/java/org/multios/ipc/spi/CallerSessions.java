package org.multios.ipc.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import org.multios.ipc.IpcException;

/**
 * A mechanism's sessions, one per caller: made on the caller's first {@link #bind}, closed when
 * the caller is {@link #release released} or the mechanism stops ({@link #releaseAll}). What a
 * {@link MechanismProvider}'s {@code bind} and {@code release} keep ({@link SessionMechanism} holds
 * one for its subclass). Thread-safe.
 *
 * @param <S> the mechanism's session type
 */
public final class CallerSessions<S> {
    private final String mechanism;
    private final Map<CallerContext, S> sessions = new ConcurrentHashMap<>();
    private final Function<CallerContext, S> open;
    private final Consumer<? super S> close;
    private volatile boolean stopped;

    /**
     * @param mechanism what CLOSED names once the mechanism stopped: {@code the pipe mechanism}
     * @param open      makes the session of a caller bound for the first time
     * @param close     closes a session whose caller is released
     */
    public CallerSessions(String mechanism, Function<CallerContext, S> open, Consumer<? super S> close) {
        this.mechanism = mechanism;
        this.open = open;
        this.close = close;
    }

    /**
     * The session of {@code caller}, made on its first bind.
     *
     * @throws IpcException CLOSED once the mechanism stopped ({@link #stop}, {@link #releaseAll}); a
     *         session this bind made while it stopped is closed first (one made before is left to
     *         {@link #releaseAll}, after the mechanism marked it closed)
     */
    public S bind(CallerContext caller) {
        checkOpen();
        boolean[] made = new boolean[1];
        S session = sessions.computeIfAbsent(caller, c -> {
            made[0] = true;
            return open.apply(c);
        });
        if (stopped) {
            if (made[0]) {
                release(caller); // made as the mechanism stopped, perhaps after releaseAll took its callers
            }
            checkOpen();
        }
        return session;
    }

    /** @throws IpcException CLOSED once the mechanism stopped ({@link #stop}, {@link #releaseAll}) */
    public void checkOpen() {
        if (stopped) {
            throw IpcException.closed(mechanism);
        }
    }

    /** Closes the session of {@code caller}, if it has one. */
    public void release(CallerContext caller) {
        S session = sessions.remove(caller);
        if (session != null) {
            close.accept(session);
        }
    }

    /**
     * Refuses every later bind with CLOSED and keeps the sessions open: the mechanism is stopping
     * and marks them closed before {@link #releaseAll} closes them. A session made while it stops
     * is closed by its bind.
     */
    public void stop() {
        stopped = true;
    }

    /** Closes every session: the mechanism stops; a session bound from now on is closed at once. */
    public void releaseAll() {
        stop();
        for (CallerContext caller : List.copyOf(sessions.keySet())) {
            release(caller);
        }
    }

    /** The sessions open now, as they change. */
    public Collection<S> values() {
        return Collections.unmodifiableCollection(sessions.values());
    }
}
