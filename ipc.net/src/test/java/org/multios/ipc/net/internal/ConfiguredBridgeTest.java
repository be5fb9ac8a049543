package org.multios.ipc.net.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.ListenOptions;
import org.multios.ipc.net.NetService;
import org.multios.ipc.spi.ConfigurationReader;

/**
 * A configured bridge reads its configuration whole before it exports anything: a misspelt
 * boolean or key, which the annotation-based reading took as false or ignored (a TCP bridge
 * then admitting peers without a token), is refused naming the file and the key.
 */
class ConfiguredBridgeTest {
    private static final String FILE = "file:/opt/gateway/conf/org.multios.ipc.net.bridge-orders.cfg";

    /** The calls the bridge made, as "method name options". */
    private final List<String> calls = new ArrayList<>();
    private final NetService net = (NetService) Proxy.newProxyInstance(NetService.class.getClassLoader(),
            new Class<?>[] { NetService.class }, (proxy, m, args) -> {
                calls.add(m.getName() + " " + args[0] + " " + ((ListenOptions) args[2]).requireAuthentication());
                throw new IpcException(IpcError.UNAVAILABLE, "no network in this test");
            });

    private void activate(Object... keysAndValues) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.pid", ConfiguredBridge.PID + "~orders");
        m.put("service.factoryPid", ConfiguredBridge.PID);
        m.put(ConfigurationReader.FILE_PROPERTY, FILE);
        m.put("endpoint", "tcp://127.0.0.1:7001");
        m.put("name", "orders");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                m.remove((String) keysAndValues[i]);
            } else {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        new ConfiguredBridge(m, net);
    }

    private void refused(String[] expected, Object... keysAndValues) {
        assertThatThrownBy(() -> activate(keysAndValues)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT)).hasMessageContainingAll(expected);
        assertThat(calls).as("nothing exported").isEmpty();
    }

    @Test
    void aValidConfigurationExportsWithItsOptionsTypedOrAsStrings() {
        assertThatThrownBy(() -> activate("require.authentication", "false", "max.connections", "8"))
                .hasMessageContaining("no network in this test");
        assertThatThrownBy(() -> activate("type", "queue", "require.authentication", Boolean.TRUE))
                .hasMessageContaining("no network in this test");
        assertThat(calls).containsExactly("exportQueue orders false", "exportQueue orders true");
    }

    @Test
    void whatDoesNotParseIsRefusedNamingTheFileAndTheKey() {
        refused(new String[] {FILE, "key require.authentication", "true or false", "'flase'"},
                "require.authentication", "flase");
        refused(new String[] {FILE, "unknown key require_authentication"}, "require_authentication", "false");
        refused(new String[] {"key max.connections", "from 1"}, "max.connections", "0");
        refused(new String[] {"key type", "queue or channel"}, "type", "topic");
        refused(new String[] {"key name", "required"}, "name", null);
        refused(new String[] {"key endpoint"}, "endpoint", "carrier-pigeon://x");
        refused(new String[] {"key socket.mode"}, "socket.mode", "0999");
    }
}
