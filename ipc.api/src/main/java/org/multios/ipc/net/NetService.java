package org.multios.ipc.net;

import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueue;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Listens, connects, opens UDP sockets and bridges named objects to the network. A
 * bundle-scoped service: the calling bundle (or, outside OSGi, the calling OS process) owns
 * every handle it returns, and they close when it goes.
 *
 * <p>Common errors: INVALID_ARGUMENT for an endpoint of the wrong transport; PERMISSION_DENIED
 * if the policy does not let the caller use the endpoint, or the operating system refuses (a
 * privileged port, the socket file's directory or mode); LIMIT_EXCEEDED if an option passes
 * its configured limit ({@link org.multios.ipc.Limit#CONNECTIONS},
 * {@link org.multios.ipc.Limit#MESSAGE_SIZE}) or the object count would be passed; IO_ERROR for
 * other failures of the operating system or the network. Connecting blocks for at most the
 * options' handshake timeout; nothing else here waits.
 */
@ProviderType
public interface NetService {
    /**
     * Listens on a TCP or Unix endpoint. A Unix socket named in the IPC root gets the options'
     * socket mode; a stale socket file of a dead listener is replaced.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a UDP endpoint;
     *         ALREADY_EXISTS if the address is in use; otherwise as described for the service
     */
    Listener listen(Endpoint endpoint, ListenOptions options);

    /**
     * Listens with {@link ListenOptions#DEFAULTS}.
     *
     * @throws org.multios.ipc.IpcException as {@link #listen(Endpoint, ListenOptions)}
     */
    default Listener listen(Endpoint endpoint) {
        return listen(endpoint, ListenOptions.DEFAULTS);
    }

    /**
     * Connects to a listener and completes the handshake, blocking for at most the options'
     * handshake timeout. On TCP the options' token authenticates the caller.
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a UDP endpoint or port 0;
     *         NOT_FOUND if a Unix socket file does not exist; UNAVAILABLE if nothing listens
     *         (connection refused); TIMEOUT if connecting and the handshake took too long;
     *         PERMISSION_DENIED if the peer refused the token (or its absence);
     *         LIMIT_EXCEEDED if the listener has its maximum of connections;
     *         PROTOCOL_ERROR if the peer does not speak this platform's protocol or version;
     *         INTERRUPTED; otherwise as described for the service
     */
    Connection connect(Endpoint endpoint, ConnectOptions options);

    /**
     * Connects with {@link ConnectOptions#DEFAULTS}.
     *
     * @throws org.multios.ipc.IpcException as {@link #connect(Endpoint, ConnectOptions)}
     */
    default Connection connect(Endpoint endpoint) {
        return connect(endpoint, ConnectOptions.DEFAULTS);
    }

    /**
     * Opens a UDP socket bound to a local endpoint (port 0 for any free port).
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a TCP or Unix endpoint;
     *         ALREADY_EXISTS if the address is in use; LIMIT_EXCEEDED if the maximum datagram
     *         size passes {@link org.multios.ipc.Limit#MESSAGE_SIZE}; otherwise as described
     *         for the service
     */
    DatagramEndpoint openDatagram(Endpoint local, DatagramOptions options);

    /**
     * Opens a UDP socket with {@link DatagramOptions#DEFAULTS}.
     *
     * @throws org.multios.ipc.IpcException as {@link #openDatagram(Endpoint, DatagramOptions)}
     */
    default DatagramEndpoint openDatagram(Endpoint local) {
        return openDatagram(local, DatagramOptions.DEFAULTS);
    }

    /**
     * Exports a named message queue on a TCP or Unix endpoint. The caller must be able to open
     * the queue; remote peers get at most the rights of the caller's handle (see
     * {@link Bridge}).
     *
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad queue name or a UDP
     *         endpoint; NOT_FOUND if the queue does not exist; PERMISSION_DENIED if the caller
     *         may not open it or use the endpoint; ALREADY_EXISTS if the address is in use;
     *         otherwise as described for the service
     */
    Bridge exportQueue(String queueName, Endpoint endpoint, ListenOptions options);

    /**
     * Exports a named channel on a TCP or Unix endpoint; remote peers open either of its
     * sides.
     *
     * @throws org.multios.ipc.IpcException as {@link #exportQueue}, for a channel
     */
    Bridge exportChannel(String channelName, Endpoint endpoint, ListenOptions options);

    /**
     * Opens a queue exported by a remote {@link Bridge}. The returned handle behaves as a
     * local {@link MessageQueue} (sizes, priorities, blocking forms, errors), each operation a
     * round trip to the bridge, except that
     * {@link MessageQueue#register(org.multios.ipc.queue.QueueListener) register} fails with
     * UNSUPPORTED. Its rights are those the bridge granted; if the connection drops, operations
     * fail with CLOSED. What a caller may trust after each outcome, and when a send fails with
     * OUTCOME_UNKNOWN, is the delivery contract of {@link org.multios.ipc.net this package}.
     *
     * @throws org.multios.ipc.IpcException NOT_FOUND if the bridge does not export a queue of
     *         that name; PERMISSION_DENIED if the remote side refuses the caller; otherwise as
     *         {@link #connect(Endpoint, ConnectOptions)}
     */
    MessageQueue openRemoteQueue(Endpoint bridge, String queueName, ConnectOptions options);

    /**
     * Opens one side of a channel exported by a remote {@link Bridge}. The returned handle
     * behaves as a local {@link ChannelEnd}, each operation a round trip to the bridge; if the
     * connection drops, operations fail with CLOSED. Delivery follows the contract of
     * {@link org.multios.ipc.net this package}.
     *
     * @throws org.multios.ipc.IpcException NOT_FOUND if the bridge does not export a channel of
     *         that name; PERMISSION_DENIED if the remote side refuses the caller; otherwise as
     *         {@link #connect(Endpoint, ConnectOptions)}
     */
    ChannelEnd openRemoteChannel(Endpoint bridge, String channelName, ChannelSide side, ConnectOptions options);
}
