package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a hostile publisher's properties may make the inbound side keep, without a broker. */
@Timeout(30)
class InboundRouterTest {
    private final TestObject object = new TestObject();
    private final BridgeCounters counters = new BridgeCounters();
    private final InboundRouter router = new InboundRouter("gw-t",
            List.of(new InboundRouter.Route(Mapping.parse("queue in in test/in 1"), object)), 64,
            Duration.ofSeconds(1), counters);

    @Test
    void anIdLongerThanTheLimitIsMalformedAndIsNotRemembered() {
        // every id is remembered until 65 536 more have come: ids of a megabyte would keep 64 GiB
        String huge = "f".repeat(1 << 20);
        router.arrived("test/in", message("huge-id", huge));
        router.arrived("test/in", message("limit-id", "a".repeat(InboundRouter.MAX_ID)));
        router.arrived("test/in", message("bridge-id", Long.toHexString(-1L) + "-" + Long.toHexString(-1L)));

        assertThat(object.taken).containsExactly("limit-id", "bridge-id");
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
}
