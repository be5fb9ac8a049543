package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
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

    @Test
    void aBridgeWhoseObjectIsMissingIsRefusedNamingIt() {
        Map<String, Object> config = Map.of("broker.uri", "tcp://127.0.0.1:1", "client.id", "gw-missing",
                "mappings", "queue nowhere out fleet/x");
        assertThatThrownBy(() -> new MqttBridgeComponent(config, ipc.service(MessageQueueService.class),
                ipc.service(ChannelService.class), ipc.service(EventService.class)))
                .isInstanceOf(IpcException.class).hasMessageContaining("nowhere")
                .extracting(e -> ((IpcException) e).error()).isEqualTo(IpcError.NOT_FOUND);
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
