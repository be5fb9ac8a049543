package org.multios.ipc.examples.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcRuntime;
import org.multios.ipc.examples.Example;
import org.multios.ipc.examples.Examples;

/**
 * The console commands outside a framework: the listing, an unknown name, a missing mechanism, no
 * policy in force.
 */
@Timeout(30)
class ExampleCommandsTest {
    /** A runtime that is there (a policy is in force) and is not asked anything here. */
    private static final IpcRuntime RUNTIME = (IpcRuntime) Proxy.newProxyInstance(IpcRuntime.class.getClassLoader(),
            new Class<?>[] { IpcRuntime.class }, (proxy, method, args) -> {
                throw new UnsupportedOperationException(method.getName());
            });
    private final ExampleCommands commands = new ExampleCommands(RUNTIME);

    @Test
    void listsEveryExampleWithItsDescription() {
        String listing = commands.examples();
        for (Example e : Examples.all()) {
            assertThat(listing).containsPattern("(?m)^" + e.name() + " +" + e.describe() + "$");
        }
        assertThat(listing).containsPattern("(?m)^mqtt +a queue's messages through an MQTT broker.*"
                + "ipc:example mqtt <broker-uri> \\[user password\\]$");
        assertThat(listing).endsWith("run one with: ipc:example <name>\n");
    }

    @Test
    void mqttWithoutABrokerSaysHowToGiveOne() {
        assertThatThrownBy(() -> commands.example("mqtt")).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("ipc:example mqtt <broker-uri> [user password]");
        });
    }

    @Test
    void anExampleOtherThanMqttTakesNoBroker() {
        assertThatThrownBy(() -> commands.example("queue-priorities", "tcp://127.0.0.1:1883"))
                .isInstanceOfSatisfying(IpcException.class, e -> {
                    assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("'queue-priorities' takes no arguments");
                });
    }

    @Test
    void mqttWithoutConfigurationAdminIsUnavailableNamingIt() {
        assertThatThrownBy(() -> commands.example("mqtt", "tcp://127.0.0.1:1883", "u", "p"))
                .isInstanceOfSatisfying(IpcException.class, e -> {
                    assertThat(e.error()).isEqualTo(IpcError.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("org.osgi.service.cm.ConfigurationAdmin");
                });
    }

    @Test
    void anUnknownNameIsAnInvalidArgument() {
        assertThatThrownBy(() -> commands.example("nope")).isInstanceOfSatisfying(IpcException.class, e -> {
            assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("no example 'nope'", "ipc:examples");
        });
    }

    @Test
    void aMissingMechanismIsUnavailableNamingItsService() {
        assertThatThrownBy(() -> commands.example("queue-priorities")).isInstanceOfSatisfying(IpcException.class,
                e -> {
                    assertThat(e.error()).isEqualTo(IpcError.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("org.multios.ipc.queue.MessageQueueService");
                });
    }

    @Test
    void withoutAPolicyInForceAnExampleSaysSo() {
        assertThatThrownBy(() -> new ExampleCommands(null).example("queue-priorities"))
                .isInstanceOfSatisfying(IpcException.class, e -> {
                    assertThat(e.error()).isEqualTo(IpcError.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("no security policy in force", "ipc:rules");
                });
    }
}
