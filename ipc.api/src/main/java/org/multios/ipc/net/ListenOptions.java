package org.multios.ipc.net;

import java.time.Duration;

import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;
import org.multios.ipc.Permissions;

/**
 * How a {@link Listener} (or a {@link Bridge}) accepts connections. Immutable; checked when
 * made. Values within these bounds may still pass the configured limits, which
 * {@link NetService#listen} checks (LIMIT_EXCEEDED).
 *
 * @param maxConnections        connections open at once, 1 or more and at most
 *                              {@link Limit#CONNECTIONS}; a peer connecting beyond it is
 *                              refused during the handshake and its connect fails with
 *                              LIMIT_EXCEEDED
 * @param maxFrameSize          bytes of the largest frame payload either side may send, 1 or
 *                              more and at most {@link Limit#MESSAGE_SIZE}; the smaller of both
 *                              sides' values applies to a connection
 * @param bufferBytes           bytes each connection may buffer per direction, at least
 *                              {@code maxFrameSize}; a sender waits while its buffer is full
 * @param idleTimeout           a connection that carries no frame in either direction for this
 *                              long is closed; {@link Duration#ZERO} for the network mechanism's
 *                              idle timeout (configuration {@code org.multios.ipc.net}, key
 *                              {@code idle.timeout.seconds}, 10 minutes unless an operator sets
 *                              0 there for never)
 * @param handshakeTimeout      a peer that has not completed the handshake (including
 *                              authentication) within this is dropped; longer than zero
 * @param requireAuthentication whether TCP peers must present an {@link AuthToken} the policy
 *                              accepts; without one they act as an unauthenticated remote user
 *                              that only the "other" mode bits of objects apply to. Unix socket
 *                              peers are always identified by the kernel.
 * @param socketMode            mode of the socket file of a Unix endpoint, 0 to 0777 (the OS
 *                              checks write permission on it at connect)
 */
public record ListenOptions(int maxConnections, int maxFrameSize, int bufferBytes, Duration idleTimeout,
        Duration handshakeTimeout, boolean requireAuthentication, int socketMode) {

    /** The default maximum frame payload: the default {@link Limit#MESSAGE_SIZE}. */
    public static final int DEFAULT_MAX_FRAME_SIZE = (int) Limit.MESSAGE_SIZE.defaultValue();
    /** The default bytes buffered per connection and direction: four frames of the default size. */
    public static final int DEFAULT_BUFFER_BYTES = 4 * DEFAULT_MAX_FRAME_SIZE;
    /** The default handshake timeout. */
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The defaults: {@link Limit#CONNECTIONS}' default connections, 64 KiB frames, 256 KiB
     * buffers, no idle timeout, a 10 s handshake, authentication required, socket mode 0600.
     */
    public static final ListenOptions DEFAULTS = new ListenOptions((int) Limit.CONNECTIONS.defaultValue(),
            DEFAULT_MAX_FRAME_SIZE, DEFAULT_BUFFER_BYTES, Duration.ZERO, DEFAULT_HANDSHAKE_TIMEOUT, true, 0600);

    /**
     * Checks the values.
     *
     * @throws IpcException INVALID_ARGUMENT naming the option and its bound
     */
    public ListenOptions {
        OptionChecks.atLeast(maxConnections, 1, "listener maxConnections");
        OptionChecks.atLeast(maxFrameSize, 1, "listener maxFrameSize");
        OptionChecks.bufferHoldsFrame(bufferBytes, maxFrameSize, "listener");
        OptionChecks.notNegative(idleTimeout, "listener idleTimeout");
        OptionChecks.positive(handshakeTimeout, "listener handshakeTimeout");
        if (socketMode < 0 || socketMode > Permissions.MAX_MODE) {
            throw IpcException.invalidArgument("listener socketMode " + Integer.toOctalString(socketMode)
                    + " is outside 0..0777");
        }
    }

    /** A copy with another connection maximum. */
    public ListenOptions withMaxConnections(int value) {
        return new ListenOptions(value, maxFrameSize, bufferBytes, idleTimeout, handshakeTimeout,
                requireAuthentication, socketMode);
    }

    /**
     * A copy with another maximum frame size; the buffer grows to hold four such frames if it
     * would be smaller than one.
     */
    public ListenOptions withMaxFrameSize(int value) {
        int buffer = bufferBytes < value ? (int) Math.min(Integer.MAX_VALUE, 4L * value) : bufferBytes;
        return new ListenOptions(maxConnections, value, buffer, idleTimeout, handshakeTimeout, requireAuthentication,
                socketMode);
    }

    /** A copy with another per-connection buffer size. */
    public ListenOptions withBufferBytes(int value) {
        return new ListenOptions(maxConnections, maxFrameSize, value, idleTimeout, handshakeTimeout,
                requireAuthentication, socketMode);
    }

    /** A copy with another idle timeout ({@link Duration#ZERO} for none). */
    public ListenOptions withIdleTimeout(Duration value) {
        return new ListenOptions(maxConnections, maxFrameSize, bufferBytes, value, handshakeTimeout,
                requireAuthentication, socketMode);
    }

    /** A copy with another handshake timeout. */
    public ListenOptions withHandshakeTimeout(Duration value) {
        return new ListenOptions(maxConnections, maxFrameSize, bufferBytes, idleTimeout, value, requireAuthentication,
                socketMode);
    }

    /** A copy that does (or does not) require TCP peers to authenticate. */
    public ListenOptions withRequireAuthentication(boolean value) {
        return new ListenOptions(maxConnections, maxFrameSize, bufferBytes, idleTimeout, handshakeTimeout, value,
                socketMode);
    }

    /** A copy with another Unix socket file mode. */
    public ListenOptions withSocketMode(int value) {
        return new ListenOptions(maxConnections, maxFrameSize, bufferBytes, idleTimeout, handshakeTimeout,
                requireAuthentication, value);
    }
}
