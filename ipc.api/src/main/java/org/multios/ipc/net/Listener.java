package org.multios.ipc.net;

import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.IpcObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A socket listening for connections on a TCP or Unix endpoint
 * ({@link org.multios.ipc.ObjectType#ENDPOINT}). Handshakes (identification and
 * authentication) are done by the platform before a connection is handed out; peers that do
 * not complete them within the handshake timeout, or fail authentication, are dropped and
 * counted ({@link org.multios.ipc.Counter#DENIALS}). Accepted connections belong to the
 * listener's process. Thread-safe.
 *
 * <p>Closing the listener stops accepting (and removes the socket file of a Unix endpoint);
 * connections already accepted stay open. Waiters in {@code accept} wake with CLOSED.
 */
@ProviderType
public interface Listener extends IpcObject {
    /**
     * The endpoint listened on, with the actual port if port 0 was asked for; a socket file in the
     * IPC root's endpoint directory by its name ({@link RootEndpoints#named}).
     */
    Endpoint endpoint();

    /** The options the listener was made with. */
    ListenOptions options();

    /** Connections accepted from this listener and still open. */
    int connectionCount();

    /**
     * Takes the next connection that completed its handshake, waiting while none has.
     *
     * @throws org.multios.ipc.IpcException INTERRUPTED; CLOSED if the listener is or gets
     *         closed
     */
    Connection accept();

    /**
     * Takes the next connection if one is ready; never waits.
     *
     * @return the connection, or empty if none is ready
     * @throws org.multios.ipc.IpcException CLOSED
     */
    Optional<Connection> tryAccept();

    /**
     * Takes the next connection, waiting at most {@code timeout}.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if none was ready in time; INVALID_ARGUMENT
     *         for a negative timeout; INTERRUPTED; CLOSED
     */
    Connection accept(Duration timeout);
}
