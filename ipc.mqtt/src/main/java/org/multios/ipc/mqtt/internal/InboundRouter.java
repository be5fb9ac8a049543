package org.multios.ipc.mqtt.internal;

import java.time.Duration;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.eclipse.paho.mqttv5.common.util.MqttTopicValidator;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Priority;
import org.multios.ipc.local.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers what arrives from the broker into the objects of the inbound mappings whose topic
 * filter matches, at the priority the {@link UserProperties#PRIORITY} property gives (0 when a
 * foreign publisher gave none). A message larger than the bridge's maximum, one whose priority
 * does not parse or is out of range, one whose id is longer than {@link #MAX_ID}, and one whose id
 * was seen before are counted, logged (at most
 * one line a second each) and dropped; nothing a publisher sends can end the bridge's threads.
 * A mapping with the word {@code sender} gets each message in a {@link SenderEnvelopeDescriptor}
 * carrying the {@link UserProperties#BRIDGE} and {@link UserProperties#SENDER} it came with.
 * Runs on the MQTT client's callback thread for QoS 0 messages and on {@link HeldMessages}' thread
 * for QoS 1 and 2: a full object holds it for at most the inbound timeout; a message of QoS 1 or 2
 * that found no room by then is kept (see {@link #arrived}), not lost.
 */
final class InboundRouter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundRouter.class);
    /**
     * The longest {@link UserProperties#ID} taken, in characters (a bridge's own ids have at most
     * 33): every id is remembered until 65 536 more have come, so a longer one is malformed.
     */
    static final int MAX_ID = 64;
    /** What {@link #arrived} returns when nothing is left to deliver. */
    static final int DONE = -1;

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
    private volatile boolean closing;

    InboundRouter(String bridge, List<Route> routes, int maxMessageSize, Duration timeout, BridgeCounters counters) {
        this.bridge = bridge;
        this.routes = List.copyOf(routes);
        this.maxMessageSize = maxMessageSize;
        this.timeout = timeout;
        this.counters = counters;
    }

    /**
     * One message from the broker, delivered from its first route on.
     *
     * @return {@link #DONE} if every object that should have it took it or it was counted and
     *         dropped; else the route whose object stayed full past the inbound timeout, for a
     *         message of QoS 1 or 2 (the routes before it took it and remember its id): the caller
     *         keeps it ({@link HeldMessages}), and delivery {@link #resume resumes} at that route
     */
    int arrived(String topic, MqttMessage message) {
        return resume(topic, message, 0);
    }

    /** Delivers {@code message} from route {@code from} on; returns as {@link #arrived}. */
    int resume(String topic, MqttMessage message, int from) {
        try {
            return route(topic, message, from);
        } catch (RuntimeException e) {
            counters.malformed.increment();
            if (malformedLog.allow()) {
                LOG.warn("bridge {}: message on {} dropped: {}", bridge, LogText.of(topic), LogText.of(e.toString()));
            }
            return DONE;
        }
    }

    /**
     * The bridge is stopping: from now on a message of QoS 1 or 2 its closed objects refuse is
     * kept back like one they had no room for, never acknowledged as delivered.
     */
    void closing() {
        closing = true;
    }

    /** The kind and name of the object of route {@code route}, e.g. {@code queue inbox}. */
    String object(int route) {
        Mapping m = routes.get(route).mapping();
        return m.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + m.name();
    }

    /** Delivers a message from route {@code from} on; returns the route that stayed full, or {@link #DONE}. */
    private int route(String topic, MqttMessage message, int from) {
        byte[] payload = message.getPayload();
        if (payload.length > maxMessageSize) {
            counters.oversized.increment();
            if (oversizedLog.allow()) {
                LOG.warn("bridge {}: message of {} bytes on {} dropped: larger than max.message.size ({} bytes)",
                        bridge, payload.length, LogText.of(topic), maxMessageSize);
            }
            return DONE;
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
                    malformed(topic, "its " + UserProperties.PRIORITY + " '" + LogText.of(p.getValue()) + "' is not a whole number "
                            + "from " + Priority.MIN + " to " + Priority.MAX);
                    return DONE;
                }
            } else if (p.getKey().equals(UserProperties.ID)) {
                id = p.getValue();
                if (id.length() > MAX_ID) {
                    malformed(topic, "its " + UserProperties.ID + " is " + id.length() + " characters long; at most "
                            + MAX_ID + " are taken");
                    return DONE;
                }
            } else if (p.getKey().equals(UserProperties.BRIDGE)) {
                bridgeName = p.getValue();
            } else if (p.getKey().equals(UserProperties.SENDER)) {
                sender = p.getValue();
            }
        }
        boolean duplicate = false;
        byte[] envelope = null;
        for (int i = from; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (!MqttTopicValidator.isMatched(r.mapping().topic(), topic)) {
                continue;
            }
            String key = id == null ? null : i + "/" + id;  // per route: a message sent again skips those that took it
            if (key != null && !recent.firstTime(key)) {
                duplicate = true;
                continue;
            }
            byte[] m = payload;
            if (r.mapping().withSender()) {
                if (envelope == null) {
                    envelope = SenderEnvelopeDescriptor.wrap(SenderEnvelopeDescriptor.origin(bridgeName, sender),
                            payload);
                }
                if (envelope == null) {
                    malformed(topic, "not delivered to " + r.mapping().kind() + " " + r.mapping().name() + ": its "
                            + UserProperties.BRIDGE + " and " + UserProperties.SENDER + " are longer than "
                            + SenderEnvelopeDescriptor.MAX_ORIGIN + " bytes");
                    continue;
                }
                m = envelope;
            }
            if (!deliver(r, topic, m, priority, message.getQos() > 0)) {
                if (key != null) {
                    recent.forget(key);
                }
                return i;
            }
        }
        if (duplicate) {
            counters.duplicates.increment();
        }
        return DONE;
    }

    /**
     * Delivers into one object; returns false if it stayed full past the timeout (or the wait was
     * interrupted, or the bridge closed it as it stops) and the message is to be kept
     * ({@code kept}: QoS 1 or 2), else true (delivered, or counted and dropped).
     */
    private boolean deliver(Route r, String topic, byte[] payload, int priority, boolean kept) {
        try {
            r.object().deliver(payload, priority, timeout);
            counters.received.increment();
        } catch (IpcException e) {
            if (kept && (e.error() == IpcError.TIMEOUT || e.error() == IpcError.INTERRUPTED
                    || e.error() == IpcError.CLOSED && closing)) {
                // INTERRUPTED: the client stops its callback thread as the connection breaks;
                // CLOSED while the bridge stops: not acknowledged, so the broker keeps a QoS 1 message
                return false;
            }
            switch (e.error()) {
                case INVALID_ARGUMENT -> malformed(topic, e.getMessage());
                case MESSAGE_TOO_LARGE -> {
                    counters.oversized.increment();
                    if (oversizedLog.allow()) {
                        LOG.warn("bridge {}: message on {} dropped: {}", bridge, LogText.of(topic), e.getMessage());
                    }
                }
                default -> {
                    counters.undelivered.increment();
                    if (undeliveredLog.allow()) {
                        LOG.warn("bridge {}: message on {} not delivered to {} {}: {}", bridge, LogText.of(topic),
                                r.mapping().kind(), r.mapping().name(), e.getMessage());
                    }
                }
            }
        }
        return true;
    }

    private void malformed(String topic, String why) {
        counters.malformed.increment();
        if (malformedLog.allow()) {
            LOG.warn("bridge {}: message on {} dropped: {}", bridge, LogText.of(topic), why);
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
