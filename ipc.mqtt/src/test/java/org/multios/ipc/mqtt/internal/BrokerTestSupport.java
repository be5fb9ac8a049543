package org.multios.ipc.mqtt.internal;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

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

    @AfterEach
    void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }
}
