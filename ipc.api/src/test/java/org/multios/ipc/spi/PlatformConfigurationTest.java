package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;

class PlatformConfigurationTest {
    @Test
    void platformDefaultWaitStrategyComesFromConfiguration() {
        assertThat(PlatformConfiguration.waitStrategy(Map.of())).isEqualTo(WaitStrategy.ADAPTIVE);
        assertThat(PlatformConfiguration.waitStrategy(Map.of(PlatformConfiguration.WAIT_STRATEGY_KEY, "block")))
                .isEqualTo(WaitStrategy.BLOCK);
        assertThat(PlatformConfiguration.waitStrategy(Map.of(PlatformConfiguration.WAIT_STRATEGY_KEY, "backoff",
                PlatformConfiguration.WAIT_SPIN_MICROS_KEY, 300))).isEqualTo(WaitStrategy.backoff(300));
        assertThat(PlatformConfiguration.waitStrategy(Map.of(PlatformConfiguration.WAIT_SPIN_MICROS_KEY, "9")))
                .isEqualTo(WaitStrategy.adaptive(9));
        assertThat(PlatformConfiguration.waitStrategy(Map.of(PlatformConfiguration.WAIT_STRATEGY_KEY, "spin",
                PlatformConfiguration.WAIT_SPIN_MICROS_KEY, 9))).isEqualTo(WaitStrategy.SPIN);
        assertThatThrownBy(() -> PlatformConfiguration.waitStrategy(Map.of(PlatformConfiguration.WAIT_SPIN_MICROS_KEY, "lots")))
                .isInstanceOf(IpcException.class).hasMessageContaining(PlatformConfiguration.WAIT_SPIN_MICROS_KEY);
        assertThatThrownBy(() -> PlatformConfiguration.waitStrategy(Map.of(PlatformConfiguration.WAIT_SPIN_MICROS_KEY, -5)))
                .isInstanceOf(IpcException.class).hasMessageContaining("-5");
    }
}
