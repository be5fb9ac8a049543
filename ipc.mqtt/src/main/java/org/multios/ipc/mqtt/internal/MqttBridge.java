package org.multios.ipc.mqtt.internal;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttPersistenceException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.MqttPublish;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.queue.MessageQueueService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bridge between named IPC objects and an MQTT 5 broker, in plain Java: the objects of its
 * mappings (opened through the API services it is given, so it is a caller of its own for the
 * security policy), its store queue and held journal, an Eclipse Paho client per connection, and its threads: a connector
 * ({@code ipc-mqtt-<client>-connect}), a publisher ({@code -publish}), the held line of inbound
 * messages ({@code -held}) and one drain per outbound mapping ({@code -out-<n>}), all started by {@link #start} and ended and joined by {@link #close}.
 */
public final class MqttBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttBridge.class);
    /**
     * What a packet the broker sends may hold beyond the payload: the fixed header, the longest
     * topic (65 535 bytes) and 4 KiB of properties. The broker is told the sum with
     * {@code max.message.size} (MQTT 5 Maximum Packet Size) and drops a larger message for this
     * client, since the client reads each packet whole into one array before the bridge sees it.
     */
    static final long PACKET_OVERHEAD = 16 + 65_535 + 4096;
    private static final long JOIN_MILLIS = 10_000;
    /** The DUP flag in the first byte of a PUBLISH packet. */
    private static final int DUP_FLAG = 0x08;

    private final BridgeSettings settings;
    private final BridgeCounters counters = new BridgeCounters();
    private final Map<Mapping, BridgedObject> objects = new LinkedHashMap<>();
    private final List<OutboundDrain> drains = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final StoreQueue store;
    private final InFlight inFlight;
    private final HeldJournal journal;
    private final Connector connector;
    private final Publisher publisher;
    private final HeldMessages held;
    private final InboundRouter router;

    /**
     * Opens the objects and the store queue and makes the client; nothing runs until {@link #start}.
     *
     * @throws IpcException as opening an object or the store queue (NOT_FOUND, PERMISSION_DENIED,
     *         ...), naming it; INVALID_ARGUMENT if the client cannot be made for the broker URI
     */
    MqttBridge(BridgeSettings settings, MessageQueueService queues, ChannelService channels, EventService events) {
        this.settings = settings;
        checkBroker(settings);
        try {
            for (Mapping m : settings.mappings()) {
                objects.put(m, BridgedObject.open(m, queues, channels, events));
            }
            int maxTopic = settings.mappings().stream().mapToInt(m -> m.topic().getBytes(
                    java.nio.charset.StandardCharsets.UTF_8).length).max().orElse(0);
            int maxRecord = StoreRecordDescriptor.HEADER_LENGTH + maxTopic + settings.maxMessageSize();
            store = new StoreQueue(queues, settings.storeQueue(), maxRecord, settings.storeMessages(),
                    settings.storeDurability(), settings.overflow());
            try {
                // records as large as the store holds (a store a previous start made may hold larger ones)
                inFlight = InFlight.open(queues, settings.storeQueue(), Math.max(maxRecord, store.maxRecordSize()),
                        settings.inFlight(), settings.storeDurability());
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            try {
                journal = HeldJournal.open(queues, settings.storeQueue(), settings.maxMessageSize(),
                        settings.storeDurability());
            } catch (RuntimeException e) {
                inFlight.close();
                store.close();
                throw e;
            }
        } catch (RuntimeException e) {
            closeObjects();
            throw e;
        }
        List<Mapping> inbound = settings.mappings().stream().filter(m -> m.direction().in()).toList();
        List<InboundRouter.Route> routes = inbound.stream().map(m -> new InboundRouter.Route(m, objects.get(m))).toList();
        router = new InboundRouter(settings.clientId(), routes, settings.maxMessageSize(),
                settings.inboundTimeout(), counters);
        held = new HeldMessages(settings.clientId(), router, counters, journal);
        restoreHeld();
        connector = new Connector(settings.clientId(), this::client, options(settings), inbound, settings,
                counters);
        publisher = new Publisher(settings.clientId(), connector, store, inFlight, counters);
        MessageIds ids = new MessageIds(new SecureRandom());
        for (Mapping m : settings.mappings()) {
            if (m.direction().out()) {
                drains.add(new OutboundDrain(settings.clientId(), m, objects.get(m), store, ids,
                        settings.maxMessageSize(), counters));
            }
        }
    }

    /**
     * Reads a bridge's configuration (the keys of {@link MqttBridgeComponent.Config}) and starts it
     * on the given services: for plain-Java use (benchmarks, tools) outside the framework.
     *
     * @throws IpcException as {@link MqttBridgeComponent}'s activation
     */
    public static MqttBridge start(Map<String, ?> configuration, MessageQueueService queues, ChannelService channels,
            EventService events) {
        MqttBridge b = new MqttBridge(BridgeSettings.read(MqttBridgeComponent.PID, configuration), queues, channels,
                events);
        b.start();
        return b;
    }

    /** The client refuses a broker URI it cannot use: refuse the configuration now, not at each attempt. */
    private static void checkBroker(BridgeSettings settings) {
        try {
            new MqttAsyncClient(settings.brokerUri().toString(), settings.clientId(), new NoPersistence()).close(true);
        } catch (MqttException | IllegalArgumentException e) {
            throw IpcException.invalidArgument(settings + ": the MQTT client cannot use it: " + e.getMessage());
        }
    }

    /** The client of one connection attempt. */
    private MqttAsyncClient client() throws MqttException {
        Gate gate = new Gate();
        MqttAsyncClient c = new MqttAsyncClient(settings.brokerUri().toString(), settings.clientId(),
                new NoPersistence(gate));
        gate.client = c;
        held.connecting(gate);
        c.setManualAcks(true);  // a QoS 1 message is acknowledged once its objects took it
        c.setCallback(new Callback(c, gate));
        return c;
    }

    /** The client of the connection that is up, null if none (for tests that look into the client). */
    MqttAsyncClient connectedClient() {
        Connector.Connection c = connector.awaitConnected(0);
        return c == null ? null : c.client();
    }

    /**
     * Whether {@code c} may still receive for the bridge: it is the connector's and its connection
     * is up (the client marks a breaking connection before it tells the connector of the loss, and
     * interrupts neither its callback thread nor its reader): what waits on those threads asks this.
     */
    private boolean receiving(MqttAsyncClient c) {
        return c != null && connector.isReceiving(c) && c.isConnected();
    }

    private static MqttConnectionOptions options(BridgeSettings s) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);  // the broker keeps the subscriptions and queues for us while we are away
        o.setSessionExpiryInterval(s.sessionExpiry().toSeconds());
        o.setAutomaticReconnect(false);  // the connector reconnects, with jitter
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(30);
        o.setHttpsHostnameVerificationEnabled(true);  // the broker's certificate must name broker.uri's host
        o.setMaximumPacketSize((long) s.maxMessageSize() + PACKET_OVERHEAD);
        if (!s.username().isEmpty()) {
            o.setUserName(s.username());
        }
        if (!s.password().isEmpty()) {
            o.setPassword(s.password().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        // ws:// and wss:// frame the packets in WebSocket frames: the bound follows bare packets only
        String scheme = s.brokerUri().getScheme();
        if (scheme.equals("ssl")) {
            o.setSocketFactory(new BoundedTlsPackets(TlsContexts.socketFactory(s), o.getMaximumPacketSize()));
        } else if (s.tls()) {
            o.setSocketFactory(TlsContexts.socketFactory(s));
        } else if (scheme.equals("tcp")) {
            o.setSocketFactory(new BoundedPackets(o.getMaximumPacketSize()));
        }
        return o;
    }

    /** Puts what a previous run's held journal kept at the head of the held line. */
    private void restoreHeld() {
        HeldJournal.Recovered r;
        try {
            r = journal.recover();
        } catch (RuntimeException e) {
            journal.close();
            inFlight.close();
            store.close();
            closeObjects();
            throw e;
        }
        held.restore(r.entries());
        if (r.dropped() > 0) {
            counters.malformed.add(r.dropped());
            LOG.error("{}: {} record(s) of the held journal were not a bridge's and were dropped", settings,
                    r.dropped());
        }
        long unrecorded = r.entries().stream().filter(e -> e.sequence() == HeldJournal.NOT_RECORDED).count();
        if (unrecorded > 0) {
            LOG.warn("{}: the held journal was full; {} message(s) it held are held in memory only until delivered",
                    settings, unrecorded);
        }
        if (!r.entries().isEmpty()) {
            LOG.info("{}: {} held message(s) of QoS 2 from the previous run are delivered first", settings,
                    r.entries().size());
        }
    }

    /** Starts the threads. */
    void start() {
        thread(connector, "connect");
        thread(publisher, "publish");
        thread(held, "held");
        for (int i = 0; i < drains.size(); i++) {
            thread(drains.get(i), "out-" + i);
        }
        LOG.info("{}: started, {} mapping(s), store queue '{}'", settings, settings.mappings().size(),
                settings.storeQueue());
    }

    private void thread(Runnable r, String role) {
        Thread t = new Thread(r, "ipc-mqtt-" + settings.clientId() + "-" + role);
        threads.add(t);
        t.start();
    }

    /** What the bridge is doing and has counted. */
    public BridgeStatus status() {
        return new BridgeStatus(settings.clientId(), settings.brokerUri().toString(), connector.state(),
                queued(), inFlight.size(), held.size(), counters.stored.sum(), counters.sent.sum(), counters.received.sum(), counters.dropped(),
                counters.duplicates.sum(), counters.malformed.sum(), counters.oversized.sum(),
                counters.connections.sum(), connector.lastError());
    }

    private int queued() {
        try {
            return store.depth();
        } catch (IpcException e) {
            return 0;  // closed: the messages stay in the store queue for the next start
        }
    }

    /**
     * Stops the threads and joins them, disconnects and closes everything; the messages not yet
     * acknowledged stay in the in-flight queue and go out first after the next start.
     */
    @Override
    public void close() {
        drains.forEach(OutboundDrain::stop);
        publisher.stop();
        connector.stop();
        router.closing();
        held.stop();
        closeObjects();  // wakes the drains' receives and the held messages' delivery
        for (Thread t : threads) {
            try {
                t.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.error("{}: thread {} did not end within {} ms", settings, t.getName(), JOIN_MILLIS);
            }
        }
        inFlight.close();
        journal.close();
        store.close();
        LOG.info("{}: stopped", settings);
    }

    private void closeObjects() {
        objects.values().forEach(BridgedObject::close);
    }

    /**
     * One connection's side of inbound delivery: lets its client take over a QoS 2 message once the
     * held line has room and the message is recorded in the held journal (as long as this is the
     * bridge's connection), and tells the client what was delivered. A QoS 1 message is acknowledged
     * once delivered. A QoS 2 one needs nothing more: the client sent PUBREC when it took it over and
     * answers the broker's PUBREL with the one PUBCOMP itself. The bridge must not send another
     * (the client's {@code messageArrivedComplete}): Mosquitto 2.0 counts every PUBCOMP into the room
     * of the client's window of messages in flight, also one for a packet id it no longer knows, and
     * sends the next message that arrives into that room at once, ahead of the messages it queued
     * for the client (RELIABILITY.md, MQTT bridge order). Without it the client keeps the packet of
     * each id it took over until its connection ends (only that PUBCOMP makes it forget one): once
     * delivered, the packet's payload, topic and properties are emptied, so what a long connection
     * leaves in the client's map is at most 65 535 empty packets, not the messages.
     */
    private final class Gate implements NoPersistence.ReceiveGate, HeldMessages.Receipts {
        /** The packets the client took over and keeps, by their payload (the same array in every copy of one). */
        private final Map<byte[], MqttPublish> taken = new ConcurrentHashMap<>();
        private volatile MqttAsyncClient client;

        @Override
        public void admit(MqttPublish message) throws MqttPersistenceException {
            MqttAsyncClient c = client;
            if (!held.awaitRoom(() -> receiving(c)) || !held.admit(this, message.getTopicName(), message.getMessage(),
                    message.getMessageId(), sentAgain(message))) {
                // ends this connection without a PUBREC: the broker sends the message again
                throw new MqttPersistenceException(new IpcException(IpcError.CLOSED, "bridge " + settings.clientId()
                        + ": the connection ended or the bridge stopped while " + HeldMessages.MAX
                        + " inbound messages were held; the broker keeps the next one"));
            }
            taken.put(message.getPayload(), message);
        }

        /** The DUP flag of a PUBLISH: the client reads it into its packet's first byte only. */
        private static boolean sentAgain(MqttPublish message) throws MqttPersistenceException {
            return (message.getHeaderBytes()[0] & DUP_FLAG) != 0;
        }

        @Override
        public void delivered(MqttMessage message) {
            if (message.getQos() == 2) {
                MqttPublish packet = taken.remove(message.getPayload());
                if (packet != null) {
                    empty(packet);
                }
                return;
            }
            try {
                client.messageArrivedComplete(message.getId(), message.getQos());
            } catch (MqttException | RuntimeException gone) {
                // the connection that received it is closed: the broker sends it again
            }
        }

        /** Empties a delivered message's packet, which the client keeps in its map of packet ids. */
        private static void empty(MqttPublish packet) {
            packet.setMessage(new MqttMessage(new byte[0], 2, false, null));
            packet.setTopicName("");
            MqttProperties p = packet.getProperties();
            p.setUserProperties(new ArrayList<>());
            p.setCorrelationData(null);
            p.setResponseTopic(null);
            p.setContentType(null);
        }
    }

    /** The events of one connection's client. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient client;
        private final Gate gate;

        Callback(MqttAsyncClient client, Gate gate) {
            this.client = client;
            this.gate = gate;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            connector.lost(client, String.valueOf(response));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("{}: {}", settings, exception.toString());
        }

        /**
         * Delivers a message of QoS 0; one of QoS 1 or 2 goes to the {@link HeldMessages}, which
         * delivers and acknowledges it on its own thread, so this thread does not wait for a full
         * object while the client may have QoS 2 messages it already answered queued behind it.
         */
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (message.getQos() == 0) {
                router.arrived(topic, message);
            } else {
                held.keep(new HeldMessages.Held(gate, topic, message, 0), () -> receiving(client));
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // the publisher's listener counts deliveries
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // the connector tracks connections
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
