package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.mqtt.test.Mosquitto;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;

/** The store queue while no broker is reachable: outbound messages wait there, bounded by the overflow policy. */
@Timeout(60)
class StoreAndForwardTest extends BridgeTestSupport {
    @Test
    void rejectKeepsTheFirstMessagesAndCountsTheRest() throws Exception {
        MessageQueue out = queue("orders", 16);
        for (int i = 0; i < 6; i++) {
            send(out, "m" + i, i % 2 == 0 ? 3 : 8);
        }
        MqttBridge bridge = bridge("broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-reject",
                "mappings", "queue orders out fleet/orders 1", "store.messages", "4", "overflow", "reject");
        BridgeStatus s = await(bridge, st -> st.stored() + st.dropped() == 6, 20, "6 messages taken");
        assertThat(s.stored()).isEqualTo(4);
        assertThat(s.dropped()).isEqualTo(2);
        assertThat(s.queued()).isEqualTo(4);
        assertThat(s.state()).isNotEqualTo(BridgeState.CONNECTED);
        // taken from the source by priority: the 8s, then m0; m2 and m4 found the store full
        assertThat(storeContents("mqtt.gw-reject")).containsExactly("m1@8", "m3@8", "m5@8", "m0@3");
    }

    @Test
    void dropOldestKeepsTheLatestMessages() throws Exception {
        MessageQueue out = queue("orders", 16);
        for (int i = 0; i < 5; i++) {
            send(out, "m" + i, 5);
        }
        MqttBridge bridge = bridge("broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-drop",
                "mappings", "queue orders out fleet/orders 1", "store.messages", "3", "overflow", "drop-oldest");
        BridgeStatus s = await(bridge, st -> st.stored() == 5, 20, "5 messages stored");
        assertThat(s.dropped()).isEqualTo(2);
        assertThat(storeContents("mqtt.gw-drop")).containsExactly("m2@5", "m3@5", "m4@5");
    }

    @Test
    void blockLeavesTheRestInTheSourceQueue() throws Exception {
        MessageQueue out = queue("orders", 16);
        MqttBridge bridge = bridge("broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-block",
                "mappings", "queue orders out fleet/orders 1", "store.messages", "2", "overflow", "block");
        for (int i = 0; i < 6; i++) {
            send(out, "m" + i, 5);
        }
        // two in the store, the other four still in the source: none waits in the drain's hands
        await(bridge, st -> st.queued() == 2 && out.attributes().currentMessages() == 4, 20, "store full, source holds 4");
        assertThat(bridge.status().dropped()).isZero();
    }

    @Test
    void theStoreIsADurableQueueThatOutlivesTheIpcRoot() throws Exception {
        MessageQueue out = queue("orders", 16);
        for (int i = 0; i < 3; i++) {
            send(out, "m" + i, 4);
        }
        MqttBridge bridge = bridge("broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-durable",
                "mappings", "queue orders out fleet/orders 1");
        await(bridge, st -> st.stored() == 3, 20, "3 messages stored");
        bridge.close();
        assertThat(queueFile(durableRoot, "mqtt.gw-durable")).exists();
        assertThat(queueFile(root, "mqtt.gw-durable")).doesNotExist();
        reopenOnAnEmptyIpcRoot(); // what a reboot leaves of a tmpfs root: nothing
        assertThat(storeContents("mqtt.gw-durable")).containsExactly("m0@4", "m1@4", "m2@4");
    }

    @Test
    void aStoreQueueOfSmallerRecordsThanTheBridgeWritesIsRefused() throws Exception {
        queue("orders", 16);
        String broker = "tcp://127.0.0.1:" + Mosquitto.freePort();
        bridge("broker.uri", broker, "client.id", "gw-size", "mappings", "queue orders out fleet/orders 1",
                "max.message.size", "64");
        assertThatThrownBy(() -> bridge("broker.uri", broker, "client.id", "gw-size", "mappings",
                "queue orders out fleet/orders 1", "max.message.size", "4096"))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("'mqtt.gw-size'").hasMessageContaining("up to " + (36 + 12 + 64) + " bytes");
    }

    @Test
    void aRestartWithAnotherStoreSizeKeepsWhatTheStoreHolds() throws Exception {
        MessageQueue out = queue("orders", 16);
        for (int i = 0; i < 3; i++) {
            send(out, "m" + i, 4);
        }
        String broker = "tcp://127.0.0.1:" + Mosquitto.freePort();
        MqttBridge first = bridge("broker.uri", broker, "client.id", "gw-resize", "mappings",
                "queue orders out fleet/orders 1", "store.messages", "8");
        await(first, st -> st.stored() == 3, 20, "3 messages stored");
        first.close();
        // a store queue of another message count and larger records than this start writes is opened as it is
        MqttBridge second = bridge("broker.uri", broker, "client.id", "gw-resize", "mappings",
                "queue orders out fleet/orders 1", "store.messages", "32", "max.message.size", "64");
        assertThat(second.status().queued()).isEqualTo(3);
        second.close();
        assertThat(storeContents("mqtt.gw-resize")).containsExactly("m0@4", "m1@4", "m2@4");
    }

    @Test
    void storeDurabilityNoneKeepsTheStoreOnTheIpcRoot() throws Exception {
        queue("orders", 16);
        MqttBridge bridge = bridge("broker.uri", "tcp://127.0.0.1:" + Mosquitto.freePort(), "client.id", "gw-memory",
                "mappings", "queue orders out fleet/orders 1", "store.durability", "none");
        bridge.close();
        assertThat(queueFile(root, "mqtt.gw-memory")).exists();
        assertThat(queueFile(durableRoot, "mqtt.gw-memory")).doesNotExist();
    }

    private static void send(MessageQueue q, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        q.send(b, 0, b.length, priority);
    }

    /** Payload@priority of each record in a store queue, in receive order (emptying it). */
    private java.util.List<String> storeContents(String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (MessageQueue store = ipc.service(MessageQueueService.class).open(name)) {
            byte[] buf = new byte[store.attributes().maxMessageSize()];
            MessageInfo info = new MessageInfo();
            int n;
            while ((n = store.tryReceive(buf, 0, buf.length, info)) >= 0) {
                StoredMessage m = StoredMessage.decode(buf, n, info.priority());
                out.add(new String(m.payload(), StandardCharsets.UTF_8) + "@" + m.priority());
            }
        }
        return out;
    }
}
