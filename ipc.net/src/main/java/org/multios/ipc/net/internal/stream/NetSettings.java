package org.multios.ipc.net.internal.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.tls.TlsSettings;
import org.multios.ipc.spi.ConfigurationReader;

/**
 * How the network mechanism protects itself from its peers (configuration PID {@value #PID}).
 * Immutable.
 *
 * @param idleTimeout          the idle timeout of accepted connections whose listener or bridge
 *                             sets none; {@link Duration#ZERO} leaves them without one
 * @param outputStallTimeout   a bridge peer that has not taken, within this time, the reply bytes
 *                             that waited for it when the clock started is dropped
 *                             ({@link DrainClock}); {@link Duration#ZERO} for never
 * @param handshakesPerAddress connections one remote address (on a Unix socket: one user) may
 *                             have in their handshake at once on one listener; more are closed
 *                             at once
 * @param requestsInFlight     requests one bridge connection may have running; more are
 *                             answered LIMIT_EXCEEDED
 * @param bridgeWorkers        worker threads of one bridge
 * @param workers              worker threads of every bridge together
 * @param tls                  TLS of TCP listeners and connectors, and where plaintext may go
 * @param unixPeerUsers        users besides this one and root whose listeners at absolute Unix
 *                             paths clients may talk to ({@link ListenerOwner}), looked up when
 *                             the settings are made, never on the reactor
 */
public record NetSettings(Duration idleTimeout, Duration outputStallTimeout, int handshakesPerAddress,
        int requestsInFlight, int bridgeWorkers, int workers, TlsSettings tls, ListenerUsers unixPeerUsers) {
    /** The configuration PID. */
    public static final String PID = "org.multios.ipc.net";
    /**
     * The defaults: 10 minutes idle, 30 s output stall, 16 handshakes per address, 128 requests
     * in flight, 256 workers per bridge and 1024 in all.
     */
    public static final NetSettings DEFAULTS = new NetSettings(Duration.ofMinutes(10), Duration.ofSeconds(30), 16, 128,
            256, 1024);

    /** Settings without TLS (plaintext TCP on loopback only). */
    public NetSettings(Duration idleTimeout, Duration outputStallTimeout, int handshakesPerAddress,
            int requestsInFlight, int bridgeWorkers, int workers) {
        this(idleTimeout, outputStallTimeout, handshakesPerAddress, requestsInFlight, bridgeWorkers, workers,
                TlsSettings.NONE, ListenerUsers.of(Set.of()));
    }

    /**
     * Checks the values.
     *
     * @throws IpcException INVALID_ARGUMENT naming the value
     */
    public NetSettings {
        if (idleTimeout == null || idleTimeout.isNegative() || outputStallTimeout == null
                || outputStallTimeout.isNegative()) {
            throw IpcException.invalidArgument("network settings: timeouts must be zero or more, not " + idleTimeout
                    + " and " + outputStallTimeout);
        }
        if (tls == null || unixPeerUsers == null) {
            throw IpcException.invalidArgument("network settings: the TLS settings or the Unix peer users are missing");
        }
        if (handshakesPerAddress < 1 || requestsInFlight < 1 || bridgeWorkers < 1 || workers < 1) {
            throw IpcException.invalidArgument("network settings: handshakes per address (" + handshakesPerAddress
                    + "), requests in flight (" + requestsInFlight + ") and workers (" + bridgeWorkers + ", "
                    + workers + ") must be 1 or more");
        }
    }

    /**
     * Reads the settings from configuration properties (keys as the Metatype of the component
     * names them; missing keys keep their defaults).
     *
     * @throws IpcException INVALID_ARGUMENT naming the key, for a value that does not parse or
     *         a key that is not one of these
     */
    public static NetSettings of(Map<String, ?> properties) {
        ConfigurationReader c = ConfigurationReader.of(PID, properties);
        NetSettings read = new NetSettings(
                Duration.ofSeconds(c.whole("idle.timeout.seconds", DEFAULTS.idleTimeout.toSeconds(), 0, 86_400 * 365)),
                Duration.ofSeconds(c.whole("output.stall.timeout.seconds", DEFAULTS.outputStallTimeout.toSeconds(), 0,
                        86_400)),
                (int) c.whole("handshakes.per.address", DEFAULTS.handshakesPerAddress, 1, 65_536),
                (int) c.whole("requests.in.flight", DEFAULTS.requestsInFlight, 1, 65_536),
                (int) c.whole("bridge.workers", DEFAULTS.bridgeWorkers, 1, 65_536),
                (int) c.whole("workers.total", DEFAULTS.workers, 1, 65_536),
                TlsSettings.read(c), ListenerUsers.of(Set.copyOf(c.strings("unix.peer.users"))));
        c.finish();
        return read;
    }

    /** A copy with another output-stall timeout. */
    public NetSettings withOutputStallTimeout(Duration value) {
        return new NetSettings(idleTimeout, value, handshakesPerAddress, requestsInFlight, bridgeWorkers, workers, tls,
                unixPeerUsers);
    }

    /** A copy with another default idle timeout. */
    public NetSettings withIdleTimeout(Duration value) {
        return new NetSettings(value, outputStallTimeout, handshakesPerAddress, requestsInFlight, bridgeWorkers,
                workers, tls, unixPeerUsers);
    }

    /** A copy with other TLS settings. */
    public NetSettings withTls(TlsSettings value) {
        return new NetSettings(idleTimeout, outputStallTimeout, handshakesPerAddress, requestsInFlight, bridgeWorkers,
                workers, value, unixPeerUsers);
    }

    /**
     * A copy whose clients may also talk to these users' listeners at absolute Unix paths, looked
     * up now in the system's name service.
     */
    public NetSettings withUnixPeerUsers(Set<String> value) {
        return withUnixPeerUsers(ListenerUsers.of(value));
    }

    /** A copy whose clients may also talk to these users' listeners at absolute Unix paths. */
    public NetSettings withUnixPeerUsers(ListenerUsers value) {
        return new NetSettings(idleTimeout, outputStallTimeout, handshakesPerAddress, requestsInFlight, bridgeWorkers,
                workers, tls, value);
    }
}
