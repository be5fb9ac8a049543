package org.multios.ipc.mqtt.internal;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.multios.ipc.IpcException;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.queue.MessageQueueService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT bridge the operator configured (factory PID {@value #PID}, one configuration per
 * broker connection): it runs while its configuration exists and the IPC services it needs are
 * there. It uses this bundle's own API services, so what it may read and write is what the
 * security policy grants this bundle ({@code bundle:...;name=ipc.mqtt} rules). The configuration is
 * read whole first: a value that does not parse, a missing one or an unknown key refuses it,
 * naming the file and the key. Each bridge is in JMX as
 * {@code org.multios.ipc:type=MqttBridge,name=<client id>}.
 */
@Component(configurationPid = MqttBridgeComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true, service = MqttBridgeComponent.class)
@Designate(ocd = MqttBridgeComponent.Config.class, factory = true)
public final class MqttBridgeComponent {
    /** Factory PID of MQTT bridges. */
    public static final String PID = "org.multios.ipc.mqtt.bridge";

    private static final Logger LOG = LoggerFactory.getLogger(MqttBridgeComponent.class);

    /** One MQTT bridge. */
    @ObjectClassDefinition(name = "MultiOS IPC MQTT bridge",
            description = "Bridges named queues, channels and events to an MQTT 5 broker, with store-and-forward.")
    public @interface Config {
        @AttributeDefinition(name = "Broker", description = "tcp://host:port, ssl://host:port, ws://host:port/path "
                + "or wss://host:port/path.")
        String broker_uri();

        @AttributeDefinition(name = "Client id", description = "The MQTT client id; unique per broker.")
        String client_id();

        @AttributeDefinition(name = "User name", required = false)
        String username() default "";

        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false)
        String password() default "";

        @AttributeDefinition(name = "Broker signers", required = false, description = "PEM file with the "
                + "certificates that sign the broker's (ssl, wss); empty for the JVM's default trust.")
        String trust_certificates() default "";

        @AttributeDefinition(name = "Client certificate", required = false,
                description = "PKCS#12 file with this gateway's certificate and key (ssl, wss).")
        String key_store() default "";

        @AttributeDefinition(name = "Client certificate password", type = AttributeType.PASSWORD, required = false)
        String key_store_password() default "";

        @AttributeDefinition(name = "Mappings", description = "KIND NAME DIRECTION TOPIC [QOS] [sender]: kind "
                + "queue, channel or event; direction out (object to topic), in (topic filter to object) or both "
                + "(channels); QoS 0, 1 (default) or 2; 'sender' (inbound queues and channels) puts the original "
                + "sender ahead of each message (one length byte, then UTF-8). Example: queue orders out "
                + "fleet/gw1/orders 1")
        String[] mappings();

        @AttributeDefinition(name = "Overflow", description = "When the store queue is full: block, drop-oldest "
                + "or reject.")
        String overflow() default "block";

        @AttributeDefinition(name = "Store queue", required = false,
                description = "The IPC queue outbound messages wait in; mqtt.<client id> unless set.")
        String store_queue() default "";

        @AttributeDefinition(name = "Store size", description = "Messages the store queue holds.")
        int store_messages() default 256;

        @AttributeDefinition(name = "Store durability", description = "How the store queue keeps outbound "
                + "messages: group (default: a durable queue, flushed within milliseconds), sync (each "
                + "message flushed), os (page cache only) or none (the IPC root, lost at reboot).")
        String store_durability() default "group";

        @AttributeDefinition(name = "Maximum message size", description = "Bytes, either direction.")
        int max_message_size() default 8192;

        @AttributeDefinition(name = "In flight", description = "Outbound messages unacknowledged at once.")
        int in_flight() default 16;

        @AttributeDefinition(name = "Session expiry", description = "Seconds the broker keeps this bridge's "
                + "session (subscriptions, messages for it) while it is away.")
        long session_expiry_seconds() default 3600;

        @AttributeDefinition(name = "First reconnect delay", description = "Milliseconds.")
        long reconnect_min_millis() default 500;

        @AttributeDefinition(name = "Longest reconnect delay", description = "Milliseconds.")
        long reconnect_max_millis() default 30_000;

        @AttributeDefinition(name = "Inbound timeout", description = "Milliseconds an inbound message waits for "
                + "room in its object before it is held (QoS 1 and 2, delivered in order later) or dropped (QoS 0).")
        long inbound_timeout_millis() default 5000;
    }

    private final BridgeOpening bridge;
    private final ObjectName mbean;

    /**
     * Starts the configured bridge, or, while an object of its mappings does not exist yet, a
     * thread that starts it once it does ({@link BridgeOpening}).
     *
     * @throws IpcException INVALID_ARGUMENT naming the configuration and key; as opening the
     *         bridge's objects, except NOT_FOUND; nothing runs then
     */
    @Activate
    public MqttBridgeComponent(Map<String, Object> properties, @Reference MessageQueueService queues,
            @Reference ChannelService channels, @Reference EventService events) {
        Map<String, Object> config = new java.util.HashMap<>(properties);
        if ("".equals(config.get("store.queue"))) {
            config.remove("store.queue");  // Metatype writes the empty default
        }
        try {
            BridgeSettings settings = BridgeSettings.read(PID, config);
            bridge = new BridgeOpening(settings, () -> new MqttBridge(settings, queues, channels, events));
            mbean = register(settings.clientId());
        } catch (IpcException e) {
            LOG.error("MQTT bridge not started: {}", e.getMessage());
            throw e;
        }
    }

    private ObjectName register(String client) {
        try {
            ObjectName name = new ObjectName("org.multios.ipc:type=MqttBridge,name=" + ObjectName.quote(client));
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            server.registerMBean(new StandardMBean(new Jmx(), MqttBridgeMXBean.class, true), name);
            return name;
        } catch (JMException e) {
            LOG.warn("MQTT bridge {} not in JMX: {}", client, e.toString());
            return null;
        }
    }

    /** What the bridge is doing and has counted. */
    public BridgeStatus status() {
        return bridge.status();
    }

    @Deactivate
    void deactivate() {
        if (mbean != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbean);
            } catch (JMException e) {
                LOG.debug("unregistering {}: {}", mbean, e.toString());
            }
        }
        bridge.close();
    }

    private final class Jmx implements MqttBridgeMXBean {
        @Override
        public String getState() {
            return status().state().name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String getBroker() {
            return status().broker();
        }

        @Override
        public int getQueued() {
            return status().queued();
        }

        @Override
        public long getSent() {
            return status().sent();
        }

        @Override
        public long getReceived() {
            return status().received();
        }

        @Override
        public int getHeld() {
            return status().held();
        }

        @Override
        public long getDropped() {
            return status().dropped();
        }

        @Override
        public long getDuplicates() {
            return status().duplicates();
        }

        @Override
        public long getConnections() {
            return status().connections();
        }

        @Override
        public String getLastError() {
            return status().lastError();
        }
    }
}
