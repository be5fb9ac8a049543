package org.multios.ipc.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * A queue's messages through an MQTT broker and back, with an ipc.mqtt bridge configured the way
 * an application would: a factory configuration {@value #BRIDGE_PID} made through Configuration
 * Admin. One bridge publishes queue A's messages to a topic, a second one (as on another gateway: a
 * bridge does not receive what it publishes) delivers the topic into queue B; each message keeps
 * its priority across the broker. The bridge's state is read from its JMX
 * bean ({@code org.multios.ipc:type=MqttBridge,name="<client id>"}), so nothing beyond the
 * configuration is needed from ipc.mqtt. Queues, topic and client ids are unique per run; the
 * configurations are deleted and the queues (the bridges' store queues too) are unlinked at the end.
 */
public final class MqttExample implements Example {
    /** The bridges' factory PID (ipc.mqtt). */
    static final String BRIDGE_PID = "org.multios.ipc.mqtt.bridge";
    static final String[] READINGS = { "temperature 21.5", "door open", "smoke alarm" };
    static final int[] PRIORITIES = { 0, 10, 31 };
    /** How long a bridge may take to connect and subscribe, and a message to come back. */
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final String CONNECTED = "connected";
    private static final Duration POLL = Duration.ofMillis(100);
    /**
     * What ipc.mqtt appends to a bridge's store queue's name for the queues it keeps beside it:
     * none (the store itself), the in-flight queue, the held journal and its list of recent messages.
     */
    private static final String[] BRIDGE_QUEUES = { "", ".in-flight", ".held", ".held.resends" };

    private final String broker;
    private final String username;
    private final String password;

    /**
     * An example against the given broker.
     *
     * @param broker   {@code tcp://host:port} (or ssl, ws, wss)
     * @param username empty for none
     * @param password empty for none
     */
    public MqttExample(String broker, String username, String password) {
        this.broker = broker;
        this.username = username;
        this.password = password;
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public String describe() {
        return "a queue's messages through an MQTT broker into another queue, priorities kept";
    }

    @Override
    public void run(ExampleServices services, PrintWriter out) throws Exception {
        ConfigurationAdmin configs = services.service(ConfigurationAdmin.class);
        MessageQueueService queues = services.queues();
        String run = Names.unique("example");
        String topic = "multios/example/" + run;
        // Two bridges, as on two gateways: a bridge does not receive what it publishes itself.
        String publisher = run + "-pub";
        String subscriber = run + "-sub";
        String outbox = run + ".out";
        String inbox = run + ".in";
        List<Configuration> bridges = new ArrayList<>();
        MessageQueue a = queues.create(outbox, QueueOptions.of(256, 16).withMode(0600));
        try (a; MessageQueue b = queues.create(inbox, QueueOptions.of(256, 16).withMode(0600))) {
            try {
                bridges.add(bridge(configs, publisher, "queue " + outbox + " out " + topic + " 1"));
                bridges.add(bridge(configs, subscriber, "queue " + inbox + " in " + topic + " 1"));
                out.println("queue '" + outbox + "' -> bridge " + publisher + " -> topic '" + topic + "' -> bridge "
                        + subscriber + " -> queue '" + inbox + "'");
                awaitConnected(publisher);
                awaitConnected(subscriber);
                out.println("bridges connected to " + broker);
                for (int i = 0; i < READINGS.length; i++) {
                    byte[] message = READINGS[i].getBytes(UTF_8);
                    a.send(message, 0, message.length, PRIORITIES[i]);
                    out.println("sent     priority " + PRIORITIES[i] + ": " + READINGS[i]);
                }
                byte[] buf = new byte[256];
                MessageInfo info = new MessageInfo();
                for (int i = 0; i < READINGS.length; i++) {
                    int n = b.receive(buf, 0, buf.length, info, WAIT);
                    out.println("received priority " + info.priority() + " through " + broker + ": "
                            + new String(buf, 0, n, UTF_8));
                }
            } finally {
                for (Configuration c : bridges) {
                    c.delete();
                }
                awaitGone(publisher);
                awaitGone(subscriber);
            }
        } finally {
            unlinkIfThere(queues, outbox);
            unlinkIfThere(queues, inbox);
            for (String suffix : BRIDGE_QUEUES) {
                unlinkIfThere(queues, store(publisher) + suffix);
                unlinkIfThere(queues, store(subscriber) + suffix);
            }
        }
        out.println("configurations deleted, queues unlinked");
    }

    /** A bridge's factory configuration, bound to no bundle ({@code "?"}) so that ipc.mqtt gets it. */
    private Configuration bridge(ConfigurationAdmin configs, String client, String mapping) throws IOException {
        Configuration c = configs.createFactoryConfiguration(BRIDGE_PID, "?");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("broker.uri", broker);
        p.put("client.id", client);
        p.put("username", username);
        p.put("password", password);
        p.put("store.queue", store(client));
        p.put("store.durability", "none");
        p.put("reconnect.max.millis", 2000L);
        p.put("mappings", new String[] { mapping });
        c.update(p);
        return c;
    }

    private static String store(String client) {
        return client + ".store";
    }

    /**
     * Waits until the bridge says it is connected and subscribed.
     *
     * @throws IpcException UNAVAILABLE naming the broker if that does not happen within {@link #WAIT}
     */
    private void awaitConnected(String client) throws JMException, InterruptedException {
        ObjectName bean = bean(client);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long deadline = System.nanoTime() + WAIT.toNanos();
        String state = "not started (is ipc.mqtt installed?)";
        String lastError = "";
        while (System.nanoTime() < deadline) {
            try {
                state = (String) server.getAttribute(bean, "State");
                lastError = (String) server.getAttribute(bean, "LastError");
                if (state.equals(CONNECTED)) {
                    return;
                }
            } catch (InstanceNotFoundException notYet) {
                // the bridge has not started yet
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new IpcException(IpcError.UNAVAILABLE, "MQTT broker " + broker + " not reached within "
                + WAIT.toSeconds() + " s: bridge " + client + " " + state + (lastError.isEmpty() ? "" : ", " + lastError));
    }

    /** Waits (bounded) until the deleted configuration's bridge has closed, so its queues can go. */
    private static void awaitGone(String client) throws JMException, InterruptedException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName bean = bean(client);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.isRegistered(bean) && System.nanoTime() < deadline) {
            Thread.sleep(POLL.toMillis());
        }
    }

    /** The bridge's JMX bean, as ipc.mqtt registers it. */
    private static ObjectName bean(String client) throws JMException {
        return new ObjectName("org.multios.ipc:type=MqttBridge,name=" + ObjectName.quote(client));
    }

    private static void unlinkIfThere(MessageQueueService queues, String name) {
        try {
            queues.unlink(name);
        } catch (IpcException e) {
            if (e.error() != IpcError.NOT_FOUND) {
                throw e;
            }
        }
    }
}
