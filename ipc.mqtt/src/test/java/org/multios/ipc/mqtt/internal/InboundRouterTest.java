package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;

/** What a hostile publisher's properties may make the inbound side keep, without a broker. */
@Timeout(30)
class InboundRouterTest {
    private final List<String> delivered = new ArrayList<>();
    private final BridgeCounters counters = new BridgeCounters();
    private final InboundRouter router = new InboundRouter("gw-t",
            List.of(new InboundRouter.Route(Mapping.parse("queue in in test/in 1"), new Recording())), 64,
            Duration.ofSeconds(1), counters);

    @Test
    void anIdLongerThanTheLimitIsMalformedAndIsNotRemembered() {
        // every id is remembered until 65 536 more have come: ids of a megabyte would keep 64 GiB
        String huge = "f".repeat(1 << 20);
        router.arrived("test/in", message("huge-id", huge));
        router.arrived("test/in", message("limit-id", "a".repeat(InboundRouter.MAX_ID)));
        router.arrived("test/in", message("bridge-id", Long.toHexString(-1L) + "-" + Long.toHexString(-1L)));

        assertThat(delivered).containsExactly("limit-id", "bridge-id");
        assertThat(counters.malformed.sum()).isEqualTo(1);
        assertThat(counters.received.sum()).isEqualTo(2);
    }

    private static MqttMessage message(String payload, String id) {
        MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        MqttProperties p = new MqttProperties();
        p.setUserProperties(List.of(new UserProperty(UserProperties.ID, id)));
        m.setProperties(p);
        return m;
    }

    /** An object that records what it is given. */
    private final class Recording implements BridgedObject {
        @Override
        public int take(byte[] buf, MessageInfo info) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int drain(MessageHandler handler, int max) {
            return 0;
        }

        @Override
        public void deliver(byte[] payload, int priority, Duration timeout) {
            delivered.add(new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }
    }
}
