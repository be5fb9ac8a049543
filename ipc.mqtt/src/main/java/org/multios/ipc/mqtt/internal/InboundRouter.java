package org.multios.ipc.mqtt.internal;

import java.time.Duration;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;
import org.multios.ipc.IpcException;
import org.multios.ipc.Priority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what arrives from the broker into the objects of the inbound mappings whose topic
 * filter matches, at the priority the {@link UserProperties#PRIORITY} property gives (0 when a
 * foreign publisher gave none). A message larger than the bridge's maximum, one whose priority
 * does not parse or is out of range, and one whose id was seen before are counted, logged (at most
 * one line a second each) and dropped; nothing a publisher sends can end the bridge's threads.
 * A mapping with the word {@code sender} gets each message in a {@link SenderEnvelopeDescriptor}
 * carrying the {@link UserProperties#BRIDGE} and {@link UserProperties#SENDER} it came with.
 * Runs on the MQTT client's callback thread: a full object holds it for at most the inbound
 * timeout, which slows the broker down for this client rather than losing messages.
 */
final class InboundRouter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRouter.class);

    /** An inbound mapping and its open object. */
    record Route(Mapping mapping, BridgedObject object) {
    }

    private final String bridge;
    private final List<Route> routes;
    private final int maxMessageSize;
    private final Duration timeout;
    private final BridgeCounters counters;
    private final RecentIds recent = new RecentIds(65_536);
    private final LogLimiter oversizedLog = new LogLimiter(1000);
    private final LogLimiter malformedLog = new LogLimiter(1000);
    private final LogLimiter undeliveredLog = new LogLimiter(1000);

    InboundRouter(String bridge, List<Route> routes, int maxMessageSize, Duration timeout, BridgeCounters counters) {
        this.bridge = bridge;
        this.routes = List.copyOf(routes);
        this.maxMessageSize = maxMessageSize;
        this.timeout = timeout;
        this.counters = counters;
    }

    /** One message from the broker. Never throws. */
    void arrived(String topic, MqttMessage message) {
        try {
            route(topic, message);
        } catch (RuntimeException e) {
            counters.malformed.increment();
            if (malformedLog.allow()) {
                LOG.warn("bridge {}: message on {} dropped: {}", bridge, topic, e.toString());
            }
        }
    }

    private void route(String topic, MqttMessage message) {
        byte[] payload = message.getPayload();
        if (payload.length > maxMessageSize) {
            counters.oversized.increment();
            if (oversizedLog.allow()) {
                LOG.warn("bridge {}: message of {} bytes on {} dropped: larger than max.message.size ({} bytes)",
                        bridge, payload.length, topic, maxMessageSize);
            }
            return;
        }
        int priority = 0;
        String id = null;
        String bridgeName = null;
        String sender = null;
        MqttProperties properties = message.getProperties();
        for (UserProperty p : properties == null ? List.<UserProperty>of() : properties.getUserProperties()) {
            if (p.getKey().equals(UserProperties.PRIORITY)) {
                priority = priority(p.getValue());
                if (priority < 0) {
                    malformed(topic, "its " + UserProperties.PRIORITY + " '" + p.getValue() + "' is not a whole number "
                            + "from " + Priority.MIN + " to " + Priority.MAX);
                    return;
                }
            } else if (p.getKey().equals(UserProperties.ID)) {
                id = p.getValue();
            } else if (p.getKey().equals(UserProperties.BRIDGE)) {
                bridgeName = p.getValue();
            } else if (p.getKey().equals(UserProperties.SENDER)) {
                sender = p.getValue();
            }
        }
        if (id != null && !recent.firstTime(id)) {
            counters.duplicates.increment();
            return;
        }
        byte[] envelope = null;
        for (Route r : routes) {
            if (!MqttTopicValidator.isMatched(r.mapping().topic(), topic)) {
                continue;
            }
            if (!r.mapping().withSender()) {
                deliver(r, topic, payload, priority);
                continue;
            }
            if (envelope == null) {
                envelope = SenderEnvelopeDescriptor.wrap(SenderEnvelopeDescriptor.origin(bridgeName, sender), payload);
            }
            if (envelope != null) {
                deliver(r, topic, envelope, priority);
            } else {
                malformed(topic, "not delivered to " + r.mapping().kind() + " " + r.mapping().name() + ": its "
                        + UserProperties.BRIDGE + " and " + UserProperties.SENDER + " are longer than "
                        + SenderEnvelopeDescriptor.MAX_ORIGIN + " bytes");
            }
        }
    }

    private void deliver(Route r, String topic, byte[] payload, int priority) {
        try {
            r.object().deliver(payload, priority, timeout);
            counters.received.increment();
        } catch (IpcException e) {
            switch (e.error()) {
                case INVALID_ARGUMENT -> malformed(topic, e.getMessage());
                case MESSAGE_TOO_LARGE -> {
                    counters.oversized.increment();
                    if (oversizedLog.allow()) {
                        LOG.warn("bridge {}: message on {} dropped: {}", bridge, topic, e.getMessage());
                    }
                }
                default -> {
                    counters.undelivered.increment();
                    if (undeliveredLog.allow()) {
                        LOG.warn("bridge {}: message on {} not delivered to {} {}: {}", bridge, topic,
                                r.mapping().kind(), r.mapping().name(), e.getMessage());
                    }
                }
            }
        }
    }

    private void malformed(String topic, String why) {
        counters.malformed.increment();
        if (malformedLog.allow()) {
            LOG.warn("bridge {}: message on {} dropped: {}", bridge, topic, why);
        }
    }

    /** The priority in {@code text}, or -1 if it is not one. */
    private static int priority(String text) {
        if (text == null || text.isEmpty() || text.length() > 2 || !text.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int p = Integer.parseInt(text);
        return p >= Priority.MIN && p <= Priority.MAX ? p : -1;
    }
}
