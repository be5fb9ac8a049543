package org.multios.ipc.net.internal.stream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.multios.ipc.IpcException;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.Statistics;
import org.multios.ipc.net.Connection;
import org.multios.ipc.net.Endpoint;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.Listener;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.SessionGate;

/**
 * A {@link Listener} handle: a {@link StreamServer} whose established connections wait in a
 * queue until {@code accept} takes them, each taken in a step of the handle's grant
 * ({@link GuardedHandle}): none once a revocation returned. Closing it stops accepting, closes
 * the connections nobody took, and runs the owner's clean-up (removing a Unix socket file).
 */
public final class StreamListener extends EndpointHandle implements Listener {
    private final Endpoint endpoint;
    private final ListenOptions options;
    private final StreamServer server;
    private final BoundSocket bound;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<StreamConnection> established = new ArrayDeque<>();
    private volatile java.util.function.Consumer<StreamConnection> onAccept = c -> {
    };

    /**
     * Listens on a bound server socket.
     *
     * @param bound   the server socket and the endpoint as bound
     * @param session the owner's session: the listener and the connections it accepts close with it
     */
    public StreamListener(long id, PeerContexts shared, BoundSocket bound, ListenOptions options,
            CallerContext owner, SessionGate session, Permissions permissions, Grant grant) {
        super(id, bound.endpoint().toString(), owner, permissions,
                "the permissions of a listener are its options' socket mode", session, grant);
        this.endpoint = bound.endpoint();
        this.options = options;
        this.bound = bound;
        this.server = new StreamServer(shared, bound.channel(), endpoint, options, owner, session, grant,
                (connection, peer) -> queue(connection));
        grant.onRevoke(this::wakeAcceptors);
    }

    /** At revocation: the threads waiting in accept wake and find the grant revoked. */
    private void wakeAcceptors() {
        lock.lock();
        try {
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next established connection, or null, in a step of the grant (under the lock,
     * before each wait too): a closed or revoked listener refuses.
     */
    private StreamConnection take() {
        beginStep(Rights.READ, "accept on");
        try {
            return established.poll();
        } finally {
            endStep();
        }
    }

    /** Called with each connection when it is accepted (the owner tracks it). */
    public void onAccept(java.util.function.Consumer<StreamConnection> action) {
        this.onAccept = action;
    }

    private void queue(StreamConnection connection) {
        lock.lock();
        try {
            if (isClosed()) {
                connection.close();
                return;
            }
            established.add(connection);
            ready.signal();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public ListenOptions options() {
        return options;
    }

    @Override
    public int connectionCount() {
        return server.openConnections();
    }

    @Override
    public Connection accept() {
        return accept(Waits.FOREVER);
    }

    @Override
    public Optional<Connection> tryAccept() {
        return Optional.ofNullable(accept(Waits.NEVER));
    }

    @Override
    public Connection accept(Duration timeout) {
        return accept(Waits.timeout(timeout, describe()));
    }

    private Connection accept(long wait) {
        long deadline = Waits.deadline(wait);
        StreamConnection c;
        lock.lock();
        try {
            while ((c = take()) == null) {
                if (wait == Waits.NEVER) {
                    return null;
                }
                if (!Waits.await(ready, wait, deadline, "accept", describe())) {
                    throw IpcException.timeout("accept", describe());
                }
            }
        } finally {
            lock.unlock();
        }
        onAccept.accept(c);
        return c;
    }

    @Override
    protected long capacity() {
        return options.maxConnections();
    }

    @Override
    protected Statistics currentStatistics() {
        return server.counters().snapshot();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!markClosed()) {
                return;
            }
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        server.close();
        bound.close();
        StreamConnection c;
        while ((c = established.poll()) != null) {
            c.close();
        }
        runCloseAction();
    }

    @Override
    public String describe() {
        return "listener " + endpoint;
    }
}
