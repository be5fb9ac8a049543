package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/** The network settings as configuration gives them: defaults, typed and text values, and refusals naming the key. */
class NetSettingsTest {
    @Test
    void anEmptyConfigurationGivesTheDefaultsWithAnIdleTimeout() {
        NetSettings s = NetSettings.of(Map.of("service.pid", NetSettings.PID, "component.name", "x"));
        assertThat(s).isEqualTo(NetSettings.DEFAULTS);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.outputStallTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyKeyIsRead() {
        NetSettings s = NetSettings.of(Map.of("idle.timeout.seconds", 0L, "output.stall.timeout.seconds", "5",
                "handshakes.per.address", 2, "requests.in.flight", "16", "bridge.workers", 8, "workers.total", 64));
        assertThat(s).isEqualTo(new NetSettings(Duration.ZERO, Duration.ofSeconds(5), 2, 16, 8, 64));
    }

    @Test
    void aMisspeltKeyOrAValueOutOfRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> NetSettings.of(Map.of("idle_timeout_seconds", 5)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("idle_timeout_seconds");
        assertThatThrownBy(() -> NetSettings.of(Map.of("handshakes.per.address", 0)))
                .isInstanceOf(IpcException.class).hasMessageContaining("handshakes.per.address");
    }
}
