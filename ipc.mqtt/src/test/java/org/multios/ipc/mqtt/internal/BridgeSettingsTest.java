package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;

/** Configurations, mappings, store records and backoff delays, without a broker. */
class BridgeSettingsTest {
    @Test
    void aConfigurationIsReadWhole() {
        BridgeSettings s = BridgeTestSupport.settings("broker.uri", "ssl://broker.example:8883", "client.id", "gw/1",
                "mappings", new String[] {"queue orders out fleet/gw1/orders", "channel ctl both fleet/gw1/ctl 2",
                    "event alarm in fleet/+/alarm 0", "queue inbox in fleet/+/orders sender"}, "overflow", "drop-oldest", "trust.certificates", "/etc/ca.pem");
        assertThat(s.mappings()).extracting(Mapping::toString).containsExactly("queue orders out fleet/gw1/orders 1",
                "channel ctl both fleet/gw1/ctl 2", "event alarm in fleet/+/alarm 0", "queue inbox in fleet/+/orders 1 sender");
        assertThat(s.overflow()).isEqualTo(Overflow.DROP_OLDEST);
        assertThat(s.storeQueue()).isEqualTo("mqtt.gw_1");
        assertThat(s.toString()).doesNotContain("password");
    }

    @Test
    void badConfigurationsNameTheKeyAndTheProblem() {
        assertRefused("key broker.uri", "broker.uri", "http://x", "client.id", "a", "mappings", "queue q out t");
        assertRefused("unknown key colour", "broker.uri", "tcp://x:1", "client.id", "a", "mappings", "queue q out t",
                "colour", "red");
        assertRefused("only a channel can go both ways", "broker.uri", "tcp://x:1", "client.id", "a", "mappings",
                "queue q both t");
        assertRefused("not valid for publishing", "broker.uri", "tcp://x:1", "client.id", "a", "mappings",
                "queue q out fleet/#");
        assertRefused("QoS must be 0, 1 or 2", "broker.uri", "tcp://x:1", "client.id", "a", "mappings",
                "queue q in t 3");
        assertRefused("not a valid IPC name", "broker.uri", "tcp://x:1", "client.id", "a", "mappings",
                "queue ../q in t");
        assertRefused("'sender' is for inbound queues and channels", "broker.uri", "tcp://x:1", "client.id", "a",
                "mappings", "queue q out t 1 sender");
        assertRefused("'sender' is for inbound queues and channels", "broker.uri", "tcp://x:1", "client.id", "a",
                "mappings", "event e in t sender");
        assertRefused("expected 'sender' or nothing after the QoS", "broker.uri", "tcp://x:1", "client.id", "a",
                "mappings", "queue q in t 1 colour");
        assertRefused("expected block, drop-oldest or reject", "broker.uri", "tcp://x:1", "client.id", "a",
                "mappings", "queue q in t", "overflow", "spill");
        assertRefused("need an ssl:// or wss:// broker", "broker.uri", "tcp://x:1", "client.id", "a", "mappings",
                "queue q in t", "key.store", "/k.p12");
        assertRefused("at least one mapping", "broker.uri", "tcp://x:1", "client.id", "a");
    }

    private static void assertRefused(String message, Object... config) {
        assertThatThrownBy(() -> BridgeTestSupport.settings(config)).isInstanceOf(IpcException.class)
                .hasMessageContaining("configuration " + MqttBridgeComponent.PID).hasMessageContaining(message)
                .extracting(e -> ((IpcException) e).error()).isEqualTo(IpcError.INVALID_ARGUMENT);
    }

    @Test
    void aStoreRecordKeepsIdTopicQosSenderAndPayload() {
        byte[] record = new byte[128];
        MessageInfo info = new MessageInfo().set(5, 9, ProcessKind.REMOTE, 1L << 32, 4242);
        int n = StoredMessage.encode(record, 0xABCDL, 7, "a/b".getBytes(), 2, info, "hello".getBytes(), 5);
        StoredMessage m = StoredMessage.decode(record, n, 9);
        assertThat(m.topic()).isEqualTo("a/b");
        assertThat(m.qos()).isEqualTo(2);
        assertThat(m.id()).isEqualTo("abcd-7");
        assertThat(m.sender()).isEqualTo("remote 4294967296 pid 4242");
        assertThat(new String(m.payload())).isEqualTo("hello");
        assertThatThrownBy(() -> StoredMessage.decode(record, 20, 0)).isInstanceOf(IpcException.class)
                .extracting(e -> ((IpcException) e).error()).isEqualTo(IpcError.CORRUPTED);
        assertThatThrownBy(() -> StoredMessage.encode(new byte[40], 1, 1, "a/b".getBytes(), 1, info,
                "hello".getBytes(), 5)).isInstanceOf(IpcException.class)
                .extracting(e -> ((IpcException) e).error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE);
    }

    @Test
    void backoffDoublesToItsMaximumWithJitterInTheUpperHalf() {
        long seed = System.nanoTime();
        System.out.println("backoff seed " + seed);
        Backoff b = new Backoff(java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(1000),
                new SplittableRandom(seed));
        long[] ceilings = {100, 200, 400, 800, 1000, 1000};
        for (long c : ceilings) {
            assertThat(b.nextMillis()).as("seed " + seed).isBetween(c / 2, c);
        }
        b.reset();
        assertThat(b.nextMillis()).as("seed " + seed).isBetween(50L, 100L);
    }
}
