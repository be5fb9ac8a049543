package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.event.EventService;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.queue.MessageQueueService;

/** The configured component as Configuration Admin and Metatype give it, its JMX bean and ipc:mqtt. */
@Timeout(60)
class MqttBridgeComponentTest extends BridgeTestSupport {
    @Test
    void aConfiguredBridgeIsInJmxAndInIpcMqttUntilItsConfigurationGoes() throws Exception {
        queue("orders", 16);
        Map<String, Object> config = new HashMap<>(Map.of("service.pid", MqttBridgeComponent.PID + ".x",
                "broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-jmx",
                "mappings", new String[] {"queue orders out fleet/orders"}, "store.queue", ""));
        MqttBridgeComponent component = new MqttBridgeComponent(config, ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class));
        MqttCommands commands = new MqttCommands();
        assertThat(commands.mqtt()).startsWith("no MQTT bridge configured");
        commands.addBridge(component);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.multios.ipc:type=MqttBridge,name=\"gw-jmx\"");
        try {
            assertThat(server.getAttribute(name, "Broker")).isEqualTo(config.get("broker.uri"));
            assertThat(server.getAttribute(name, "Sent")).isEqualTo(0L);
            await(component::status, "a refused attempt");
            assertThat((String) server.getAttribute(name, "State")).isIn("waiting", "connecting");
            assertThat(commands.mqtt()).contains("gw-jmx").contains(config.get("broker.uri").toString())
                    .contains("queued 0 sent 0 received 0 dropped 0").contains("Connection refused");
        } finally {
            component.deactivate();
        }
        assertThat(server.isRegistered(name)).isFalse();
        assertThat(component.status().state()).isEqualTo(BridgeState.STOPPED);
    }

    /**
     * At a gateway's start the bundle that creates a bridged object may come after the bridge's
     * configuration (after a reboot the IPC root is empty): the bridge waits for it, saying which.
     */
    @Test
    void aBridgeWhoseObjectIsMissingWaitsForItNamingItAndStartsOnceItExists() throws Exception {
        Map<String, Object> config = Map.of("broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id",
                "gw-missing", "mappings", "queue nowhere out fleet/x", "reconnect.min.millis", "20",
                "reconnect.max.millis", "100");
        MqttBridgeComponent component = new MqttBridgeComponent(config, ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class));
        try {
            BridgeStatus waiting = component.status();
            assertThat(waiting.state()).isEqualTo(BridgeState.OPENING);
            assertThat(waiting.lastError()).contains("NOT_FOUND").contains("nowhere");
            assertThat(waiting.line()).contains("opening").contains("nowhere");

            queue("nowhere", 4);
            long end = System.nanoTime() + 20_000_000_000L;
            while (component.status().state() == BridgeState.OPENING && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(component.status().state()).as("started: it tries the broker")
                    .isIn(BridgeState.CONNECTING, BridgeState.WAITING);
        } finally {
            component.deactivate();
        }
        assertThat(component.status().state()).isEqualTo(BridgeState.STOPPED);
    }

    @Test
    void aBridgeClosedWhileItWaitsForItsObjectEndsItsThread() {
        Map<String, Object> config = Map.of("broker.uri", "tcp://127.0.0.1:1", "client.id", "gw-gone",
                "mappings", "queue never out fleet/x");
        MqttBridgeComponent component = new MqttBridgeComponent(config, ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class));
        component.deactivate();
        assertThat(component.status().state()).isEqualTo(BridgeState.STOPPED);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("ipc-mqtt-gw-gone-open"));
    }

    private static void await(java.util.function.Supplier<BridgeStatus> status, String what) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (status.get().lastError().isEmpty()) {
            if (System.nanoTime() > end) {
                throw new AssertionError(what + " did not happen: " + status.get());
            }
            Thread.sleep(20);
        }
    }
}
