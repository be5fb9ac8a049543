package org.multios.ipc.spi;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A mechanism's sessions, one per caller: made on the caller's first {@link #bind}, closed when
 * the caller is {@link #release released} or the mechanism stops ({@link #releaseAll}). What a
 * {@link MechanismProvider}'s {@code bind} and {@code release} keep. Thread-safe.
 *
 * @param <S> the mechanism's session type
 */
public final class CallerSessions<S> {
    private final Map<CallerContext, S> sessions = new ConcurrentHashMap<>();
    private final Function<CallerContext, S> open;
    private final Consumer<? super S> close;

    /**
     * @param open  makes the session of a caller bound for the first time
     * @param close closes a session whose caller is released
     */
    public CallerSessions(Function<CallerContext, S> open, Consumer<? super S> close) {
        this.open = open;
        this.close = close;
    }

    /** The session of {@code caller}, made on its first bind. */
    public S bind(CallerContext caller) {
        return sessions.computeIfAbsent(caller, open);
    }

    /** Closes the session of {@code caller}, if it has one. */
    public void release(CallerContext caller) {
        S session = sessions.remove(caller);
        if (session != null) {
            close.accept(session);
        }
    }

    /** Closes every session: the mechanism stops. */
    public void releaseAll() {
        for (CallerContext caller : List.copyOf(sessions.keySet())) {
            release(caller);
        }
    }

    /** The sessions open now, as they change. */
    public Collection<S> values() {
        return Collections.unmodifiableCollection(sessions.values());
    }
}
