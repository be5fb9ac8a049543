package org.multios.ipc.spi;

import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.StaleCollection;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Base of a mechanism that keeps a session per caller ({@link CallerSessions}): {@link #bind}
 * makes the caller's session on its first bind and returns the API service over it,
 * {@link #release} closes the caller's session, {@link #close} stops the mechanism. Stopping
 * refuses every later bind with CLOSED first, then marks every session closed
 * ({@link #releasing}), then closes them, so that a bind racing the stop gets CLOSED and no
 * session outlives it. The API service extends {@link CallerService}, whose calls run inside the
 * session's {@link SessionGate}.
 *
 * @param <S> the API service type
 * @param <T> the mechanism's session type
 */
@ConsumerType
public abstract class SessionMechanism<S, T> implements MechanismProvider<S> {
    private final Class<S> apiType;
    private final CallerSessions<T> sessions;
    private final ToIntFunction<? super T> connections;

    /**
     * @param apiType     the API service type
     * @param mechanism   what CLOSED names once the mechanism stopped: {@code the pipe mechanism}
     * @param close       closes a session whose caller is released
     * @param connections the handles a session holds open
     */
    protected SessionMechanism(Class<S> apiType, String mechanism, Consumer<? super T> close,
            ToIntFunction<? super T> connections) {
        this.apiType = apiType;
        this.sessions = new CallerSessions<>(mechanism, this::open, close);
        this.connections = connections;
    }

    /** Makes the session of a caller bound for the first time. */
    protected abstract T open(CallerContext caller);

    /** The API service over a caller's session. */
    protected abstract S service(T session);

    @Override
    public final Class<S> apiType() {
        return apiType;
    }

    /** @throws IpcException CLOSED once the mechanism is stopping */
    @Override
    public final S bind(CallerContext caller) {
        return service(sessions.bind(caller));
    }

    @Override
    public final void release(CallerContext caller) {
        sessions.release(caller);
    }

    /**
     * Stops the mechanism: later binds fail with CLOSED, every session is marked closed
     * ({@link #releasing}), then closed; named objects stay. A mechanism that owns more (threads,
     * files) closes it after calling this.
     */
    public void close() {
        sessions.stop();
        releasing();
        sessions.releaseAll();
    }

    @Override
    public int connectionCount() {
        return sessions.values().stream().mapToInt(connections).sum();
    }

    /** What {@link #collectStaleObjects()} removes: the one place a mechanism's two forms meet. */
    @Override
    public List<ObjectInfo> collectStale() {
        return collectStaleObjects().removed();
    }

    /**
     * Removes the named objects whose creator is dead for certain and that no process may hold,
     * saying what it kept and why; nothing by default (a mechanism without named objects).
     */
    @Override
    public StaleCollection collectStaleObjects() {
        return StaleCollection.NONE;
    }

    /** The sessions open now, as they change. */
    protected final Collection<T> sessions() {
        return sessions.values();
    }

    /** @throws IpcException CLOSED once the mechanism is stopping */
    public final void checkOpen() {
        sessions.checkOpen();
    }

    /**
     * Base of the API service bound to one caller's session: each call runs while the mechanism
     * is open and inside the session's gate, so that releasing the session waits for it.
     */
    protected abstract class CallerService {
        /** The caller's session. */
        protected final T session;
        private final SessionGate gate;

        /** @param gate the session's gate */
        protected CallerService(T session, SessionGate gate) {
            this.session = session;
            this.gate = gate;
        }

        /**
         * Runs one call of the service.
         *
         * @throws IpcException CLOSED once the mechanism is stopping or the session is closed
         */
        protected final <R> R call(Supplier<R> work) {
            checkOpen();
            return gate.call(work);
        }

        /** As {@link #call}, for a call that returns nothing. */
        protected final void run(Runnable work) {
            checkOpen();
            gate.run(work);
        }
    }
}
