package org.multios.ipc.net;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.IpcObject;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A UDP socket ({@link org.multios.ipc.ObjectType#ENDPOINT}): sends and receives whole
 * datagrams of at most {@link DatagramOptions#maxDatagramSize()} bytes. Delivery is not
 * reliable, ordered nor authenticated: a datagram may be lost, duplicated or reordered, and
 * its sender address is not proof of identity. Thread-safe. Sending needs
 * {@link org.multios.ipc.Rights#WRITE}, and WRITE on the target endpoint by the policy (decided
 * as a connection's endpoint is, when the target changes); receiving needs
 * {@link org.multios.ipc.Rights#READ}.
 */
@ProviderType
public interface DatagramEndpoint extends IpcObject {
    /** The local endpoint, with the actual port if port 0 was asked for. */
    Endpoint localEndpoint();

    /** The options the socket was opened with. */
    DatagramOptions options();

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code target}, waiting while
     * the socket's send buffer is full. On success the position is at the limit.
     *
     * @param target a UDP endpoint
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT if the target is not UDP, or is a
     *         broadcast address and the options do not allow broadcast; MESSAGE_TOO_LARGE if
     *         the data exceeds the maximum datagram size; IO_ERROR if the host cannot be
     *         resolved or the network refuses; INTERRUPTED; CLOSED; PERMISSION_DENIED
     */
    void send(Endpoint target, ByteBuffer src);

    /**
     * Sends one datagram if the send buffer has room now; never waits.
     *
     * @return {@code true} if sent, {@code false} if the send buffer is full
     * @throws org.multios.ipc.IpcException as {@link #send(Endpoint, ByteBuffer)}, except
     *         INTERRUPTED
     */
    boolean trySend(Endpoint target, ByteBuffer src);

    /**
     * Sends one datagram, waiting at most {@code timeout} for room.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if there was no room in time; otherwise as
     *         {@link #send(Endpoint, ByteBuffer)}
     */
    void send(Endpoint target, ByteBuffer src, Duration timeout);

    /**
     * Takes the next datagram into {@code dst} at its position, waiting while none has
     * arrived. The position advances by the datagram's length.
     *
     * @return the sender's endpoint
     * @throws org.multios.ipc.IpcException MESSAGE_TOO_LARGE if the datagram is longer than
     *         {@code dst.remaining()}: it is discarded (as UDP truncation would lose its end) and
     *         the buffer is unchanged; INVALID_ARGUMENT if {@code dst} is read-only;
     *         INTERRUPTED; CLOSED; PERMISSION_DENIED
     */
    Endpoint receive(ByteBuffer dst);

    /**
     * Takes the next datagram if one has arrived; never waits.
     *
     * @return the sender's endpoint, or empty if no datagram is waiting
     * @throws org.multios.ipc.IpcException as {@link #receive(ByteBuffer)}, except INTERRUPTED
     */
    Optional<Endpoint> tryReceive(ByteBuffer dst);

    /**
     * Takes the next datagram, waiting at most {@code timeout}.
     *
     * @return the sender's endpoint
     * @throws org.multios.ipc.IpcException TIMEOUT if none arrived in time; INVALID_ARGUMENT
     *         also for a negative timeout; otherwise as {@link #receive(ByteBuffer)}
     */
    Endpoint receive(ByteBuffer dst, Duration timeout);
}
