package org.multios.ipc.net;

import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.IpcException;
import org.multios.ipc.Limit;

/**
 * How {@link NetService#connect} (and the remote opens of bridges) connect. Immutable; checked
 * when made.
 *
 * @param handshakeTimeout how long connecting may take, socket connect and handshake
 *                         (including authentication) together; longer than zero
 * @param token            the token presented to authenticate on TCP; ignored on Unix
 *                         sockets, where the kernel identifies the caller
 * @param maxFrameSize     bytes of the largest frame payload, 1 or more and at most
 *                         {@link Limit#MESSAGE_SIZE}; the smaller of both sides' values applies
 * @param bufferBytes      bytes buffered per direction, at least {@code maxFrameSize}
 * @param idleTimeout      the connection is closed after carrying no frame for this long;
 *                         {@link Duration#ZERO} for never
 * @param localAddress     the local address to bind the socket to before connecting (TCP and
 *                         UDP); empty to let the operating system choose
 */
public record ConnectOptions(Duration handshakeTimeout, Optional<AuthToken> token, int maxFrameSize,
        int bufferBytes, Duration idleTimeout, Optional<String> localAddress) {

    /**
     * The defaults: a 10 s handshake, no token, 64 KiB frames, 256 KiB buffers, no idle
     * timeout, any local address.
     */
    public static final ConnectOptions DEFAULTS = new ConnectOptions(ListenOptions.DEFAULT_HANDSHAKE_TIMEOUT,
            Optional.empty(), ListenOptions.DEFAULT_MAX_FRAME_SIZE, ListenOptions.DEFAULT_BUFFER_BYTES, Duration.ZERO,
            Optional.empty());

    /**
     * Checks the values.
     *
     * @throws IpcException INVALID_ARGUMENT naming the option and its bound
     */
    public ConnectOptions {
        OptionChecks.positive(handshakeTimeout, "connect handshakeTimeout");
        OptionChecks.present(token, "connect token");
        OptionChecks.atLeast(maxFrameSize, 1, "connect maxFrameSize");
        OptionChecks.bufferHoldsFrame(bufferBytes, maxFrameSize, "connection");
        OptionChecks.notNegative(idleTimeout, "connect idleTimeout");
        OptionChecks.present(localAddress, "connect localAddress");
        localAddress.ifPresent(a -> Endpoint.requireValidHost(a, "connect localAddress"));
    }

    /** A copy with another handshake timeout. */
    public ConnectOptions withHandshakeTimeout(Duration value) {
        return new ConnectOptions(value, token, maxFrameSize, bufferBytes, idleTimeout, localAddress);
    }

    /** A copy presenting the given token. */
    public ConnectOptions withToken(AuthToken value) {
        return new ConnectOptions(handshakeTimeout, Optional.of(value), maxFrameSize, bufferBytes, idleTimeout,
                localAddress);
    }

    /**
     * A copy with another maximum frame size; the buffer grows to hold four such frames if it
     * would be smaller than one.
     */
    public ConnectOptions withMaxFrameSize(int value) {
        int buffer = bufferBytes < value ? (int) Math.min(Integer.MAX_VALUE, 4L * value) : bufferBytes;
        return new ConnectOptions(handshakeTimeout, token, value, buffer, idleTimeout, localAddress);
    }

    /** A copy with another buffer size. */
    public ConnectOptions withBufferBytes(int value) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, value, idleTimeout, localAddress);
    }

    /** A copy with another idle timeout ({@link Duration#ZERO} for none). */
    public ConnectOptions withIdleTimeout(Duration value) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, bufferBytes, value, localAddress);
    }

    /** A copy binding the given local address. */
    public ConnectOptions withLocalAddress(String value) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, bufferBytes, idleTimeout, Optional.of(value));
    }
}
