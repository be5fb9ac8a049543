package org.multios.ipc.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.mqtt.test.Mosquitto;

/** {@link BridgeTestSupport} with a real Mosquitto started before each test and stopped after it. */
abstract class BrokerTestSupport extends BridgeTestSupport {
    @TempDir
    Path brokerDir;
    Mosquitto broker;

    @BeforeEach
    void startBroker() throws Exception {
        assumeTrue(Mosquitto.available(), "Debian's mosquitto, mosquitto-clients and openssl are not installed");
        broker = Mosquitto.start(brokerDir);
    }

    /**
     * Fails unless the numbers of {@code got} ({@code m<n>}, optionally followed by {@code @...}),
     * all from one publisher, strictly increase: the broker delivers one publisher's messages of a
     * topic in order (MQTT 5, 4.6) and the bridge must keep it. The failure names each message
     * that came after a later one, and {@code run} (the seed and run details).
     */
    static void assertInOrder(List<String> got, String run) {
        List<String> late = new ArrayList<>();
        int last = -1;
        for (int i = 0; i < got.size(); i++) {
            String m = got.get(i);
            int at = m.indexOf('@');
            int v = Integer.parseInt(m.substring(1, at < 0 ? m.length() : at));
            if (v <= last) {
                late.add("m" + v + " at " + i + " after m" + last);
            }
            last = Math.max(last, v);
        }
        assertThat(late).as("%d message(s) after later ones (%s), the first: %s",
                late.size(), run, late.subList(0, Math.min(10, late.size()))).isEmpty();
    }

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
            String keep = System.getProperty("mosquitto.keep.log");  // for a failure's analysis
            if (keep != null) {
                Files.writeString(Path.of(keep + "-" + System.nanoTime() + ".log"), broker.log());
            }
        }
    }
}
