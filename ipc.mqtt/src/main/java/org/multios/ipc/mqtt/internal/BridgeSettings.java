package org.multios.ipc.mqtt.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.multios.ipc.IpcException;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.spi.ConfigurationReader;

/**
 * Everything one bridge is configured with, read whole and checked before the bridge starts.
 *
 * @param brokerUri          {@code tcp://}, {@code ssl://}, {@code ws://} or {@code wss://} host and port
 * @param clientId           the MQTT client id, also the origin of the message ids this bridge gives
 * @param username           empty for none
 * @param password           empty for none
 * @param trustCertificates  PEM file of the certificates that may sign the broker's (TLS), or none
 *                           for the JVM's default trust
 * @param keyStore           PKCS#12 file with the client certificate and key (TLS), or none
 * @param keyStorePassword   its password
 * @param mappings           what is bridged
 * @param overflow           what happens when the store queue is full
 * @param storeQueue         the name of the IPC queue outbound messages wait in
 * @param storeMessages      how many messages the store queue holds
 * @param storeDurability    how the store queue keeps its messages (a durable queue unless NONE)
 * @param maxMessageSize     the largest payload in either direction, bytes
 * @param inFlight           outbound messages published but not yet acknowledged, at most
 * @param sessionExpiry      how long the broker keeps this client's session (subscriptions and
 *                           messages for it) while it is away
 * @param reconnectMin       the first delay before reconnecting
 * @param reconnectMax       the longest delay before reconnecting
 * @param inboundTimeout     how long an inbound message may wait for room in its object before it
 *                           is dropped
 */
record BridgeSettings(URI brokerUri, String clientId, String username, String password,
        Optional<Path> trustCertificates, Optional<Path> keyStore, String keyStorePassword, List<Mapping> mappings,
        Overflow overflow, String storeQueue, int storeMessages, QueueDurability storeDurability, int maxMessageSize, int inFlight,
        Duration sessionExpiry, Duration reconnectMin, Duration reconnectMax, Duration inboundTimeout) {

    private static final Set<String> SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

    /**
     * Reads a configuration.
     *
     * @throws IpcException INVALID_ARGUMENT naming the configuration and the key
     */
    static BridgeSettings read(String pid, Map<String, ?> properties) {
        ConfigurationReader config = ConfigurationReader.of(pid, properties);
        URI uri = config.parse("broker.uri", config.requiredString("broker.uri"), BridgeSettings::brokerUri);
        String clientId = config.requiredString("client.id");
        String username = config.string("username", "");
        String password = config.string("password", "");
        Optional<Path> trust = path(config.string("trust.certificates", ""));
        Optional<Path> keyStore = path(config.string("key.store", ""));
        String keyStorePassword = config.string("key.store.password", "");
        List<Mapping> mappings = new ArrayList<>();
        for (String m : config.strings("mappings")) {
            mappings.add(config.parse("mappings", m, Mapping::parse));
        }
        Overflow overflow = config.parse("overflow", config.string("overflow", "block"), Overflow::parse);
        String store = config.string("store.queue", "mqtt." + clientId.replaceAll("[^A-Za-z0-9._-]", "_"));
        int storeMessages = (int) config.whole("store.messages", 256, 1, Integer.MAX_VALUE);
        QueueDurability storeDurability = config.parse("store.durability", config.string("store.durability", "group"),
                BridgeSettings::durability);
        int maxMessageSize = (int) config.whole("max.message.size", 8192, 1, 256 * 1024 * 1024);
        int inFlight = (int) config.whole("in.flight", 16, 1, 65_535);
        Duration expiry = Duration.ofSeconds(config.whole("session.expiry.seconds", 3600, 0, 0xFFFF_FFFFL));
        Duration min = Duration.ofMillis(config.whole("reconnect.min.millis", 500, 1, 3_600_000));
        Duration max = Duration.ofMillis(config.whole("reconnect.max.millis", 30_000, 1, 3_600_000));
        Duration inbound = Duration.ofMillis(config.whole("inbound.timeout.millis", 5000, 0, 3_600_000));
        config.finish();
        if (mappings.isEmpty()) {
            throw config.bad("mappings", "at least one mapping is required");
        }
        if (max.compareTo(min) < 0) {
            throw config.bad("reconnect.max.millis", "must not be less than reconnect.min.millis");
        }
        if (keyStore.isPresent() || trust.isPresent()) {
            String scheme = uri.getScheme();
            if (!scheme.equals("ssl") && !scheme.equals("wss")) {
                throw config.bad("broker.uri", "trust.certificates and key.store need an ssl:// or wss:// broker");
            }
        }
        return new BridgeSettings(uri, clientId, username, password, trust, keyStore, keyStorePassword,
                List.copyOf(mappings), overflow, config.parse("store.queue", store, BridgeSettings::queueName),
                storeMessages, storeDurability, maxMessageSize, inFlight, expiry, min, max, inbound);
    }

    /** Whether the broker is reached over TLS. */
    boolean tls() {
        return brokerUri.getScheme().equals("ssl") || brokerUri.getScheme().equals("wss");
    }

    private static URI brokerUri(String text) {
        try {
            URI uri = new URI(text);
            if (uri.getScheme() == null || !SCHEMES.contains(uri.getScheme()) || uri.getHost() == null) {
                throw IpcException.invalidArgument("expected tcp://, ssl://, ws:// or wss:// and a host, found '"
                        + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw IpcException.invalidArgument("not a URI: '" + text + "'");
        }
    }

    private static String queueName(String name) {
        if (!org.multios.ipc.IpcNames.isValid(name)) {
            throw IpcException.invalidArgument("'" + name + "' is not a valid queue name");
        }
        return name;
    }

    private static QueueDurability durability(String text) {
        for (QueueDurability d : QueueDurability.values()) {
            if (d.name().equalsIgnoreCase(text)) {
                return d;
            }
        }
        throw IpcException.invalidArgument("expected none, os, group or sync, found '" + text + "'");
    }

    private static Optional<Path> path(String text) {
        return text.isEmpty() ? Optional.empty() : Optional.of(Path.of(text));
    }

    @Override
    public String toString() {
        return "bridge " + clientId + " to " + brokerUri;  // never the password
    }
}
