package org.multios.ipc.net;

import java.nio.file.Path;
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
 * @param tls              whether a TCP connection speaks TLS: the listener proves itself with
 *                         its certificate (which must name the host connected to) before the
 *                         token is sent; ignored on Unix sockets. Without TLS, TCP goes to
 *                         loopback addresses only unless the operator allows plaintext
 * @param trust            the certificates the listener's must chain to: a PEM file (CA
 *                         certificates, or the listener's own self-signed certificate: pinning)
 *                         or a PKCS#12 trust store without password; empty for the configured
 *                         {@code tls.trust}, else the JDK's trust store. Setting it turns TLS on
 */
public record ConnectOptions(Duration handshakeTimeout, Optional<AuthToken> token, int maxFrameSize,
        int bufferBytes, Duration idleTimeout, Optional<String> localAddress, boolean tls, Optional<Path> trust) {

    /**
     * The defaults: a 10 s handshake, no token, 64 KiB frames, 256 KiB buffers, no idle
     * timeout, any local address.
     */
    public static final ConnectOptions DEFAULTS = new ConnectOptions(ListenOptions.DEFAULT_HANDSHAKE_TIMEOUT,
            Optional.empty(), ListenOptions.DEFAULT_MAX_FRAME_SIZE, ListenOptions.DEFAULT_BUFFER_BYTES, Duration.ZERO,
            Optional.empty(), false, Optional.empty());

    /** Options without TLS (the shape of version 1.0). */
    public ConnectOptions(Duration handshakeTimeout, Optional<AuthToken> token, int maxFrameSize, int bufferBytes,
            Duration idleTimeout, Optional<String> localAddress) {
        this(handshakeTimeout, token, maxFrameSize, bufferBytes, idleTimeout, localAddress, false, Optional.empty());
    }

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
        OptionChecks.present(trust, "connect trust");
        tls |= trust.isPresent();
    }

    /** A copy with another handshake timeout. */
    public ConnectOptions withHandshakeTimeout(Duration value) {
        return new ConnectOptions(value, token, maxFrameSize, bufferBytes, idleTimeout, localAddress, tls, trust);
    }

    /** A copy presenting the given token. */
    public ConnectOptions withToken(AuthToken value) {
        return new ConnectOptions(handshakeTimeout, Optional.of(value), maxFrameSize, bufferBytes, idleTimeout,
                localAddress, tls, trust);
    }

    /**
     * A copy with another maximum frame size; the buffer grows to hold four such frames if it
     * would be smaller than one.
     */
    public ConnectOptions withMaxFrameSize(int value) {
        int buffer = bufferBytes < value ? (int) Math.min(Integer.MAX_VALUE, 4L * value) : bufferBytes;
        return new ConnectOptions(handshakeTimeout, token, value, buffer, idleTimeout, localAddress, tls, trust);
    }

    /** A copy with another buffer size. */
    public ConnectOptions withBufferBytes(int value) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, value, idleTimeout, localAddress, tls, trust);
    }

    /** A copy with another idle timeout ({@link Duration#ZERO} for none). */
    public ConnectOptions withIdleTimeout(Duration value) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, bufferBytes, value, localAddress, tls, trust);
    }

    /** A copy binding the given local address. */
    public ConnectOptions withLocalAddress(String value) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, bufferBytes, idleTimeout, Optional.of(value),
                tls, trust);
    }

    /** A copy that speaks TLS, trusting the configured certificates ({@code tls.trust}, else the JDK's). */
    public ConnectOptions withTls() {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, bufferBytes, idleTimeout, localAddress, true,
                trust);
    }

    /** A copy that speaks TLS, trusting the certificates in {@code file} (PEM or PKCS#12). */
    public ConnectOptions withTrust(Path file) {
        return new ConnectOptions(handshakeTimeout, token, maxFrameSize, bufferBytes, idleTimeout, localAddress, true,
                Optional.of(file));
    }
}
