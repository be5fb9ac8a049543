package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.spi.PlatformConfiguration;

class IpcLimitsTest {

    @Test
    void defaultsAreThoseOfTheOriginalSpecification() {
        IpcLimits d = IpcLimits.defaults();
        assertThat(d.get(Limit.CHANNELS)).isEqualTo(1024);
        assertThat(d.get(Limit.SEGMENT_SIZE)).isEqualTo(16L * 1024 * 1024);
        assertThat(d.get(Limit.QUEUE_MESSAGES)).isEqualTo(256);
        assertThat(d.get(Limit.SIGNAL_HANDLERS)).isEqualTo(64);
    }

    @Test
    void defaultsCoverEveryLimit() {
        Map<Limit, Long> m = IpcLimits.defaults().asMap();
        assertThat(m).containsOnlyKeys(Limit.values());
        for (Limit l : Limit.values()) {
            assertThat(m.get(l)).as(l.key()).isEqualTo(l.defaultValue()).isPositive();
        }
    }

    @Test
    void configurationKeysAreStable() {
        assertThat(Limit.CHANNELS.key()).isEqualTo("channels.max");
        assertThat(Limit.SEGMENT_SIZE.key()).isEqualTo("shm.segment.size.max");
        assertThat(Limit.QUEUE_MESSAGES.key()).isEqualTo("queue.messages.max");
        assertThat(Limit.SIGNAL_HANDLERS.key()).isEqualTo("signal.handlers.max");
    }

    @Test
    void fromConfigurationTakesNumbersAndNumericStrings() {
        IpcLimits l = PlatformConfiguration.limits(Map.of(
                "channels.max", 10,
                "queue.messages.max", 20L,
                "shm.segment.size.max", "4096",
                "signal.handlers.max", " 8 "));

        assertThat(l.get(Limit.CHANNELS)).isEqualTo(10);
        assertThat(l.get(Limit.QUEUE_MESSAGES)).isEqualTo(20);
        assertThat(l.get(Limit.SEGMENT_SIZE)).isEqualTo(4096);
        assertThat(l.get(Limit.SIGNAL_HANDLERS)).isEqualTo(8);
        assertThat(l.get(Limit.MESSAGE_SIZE)).isEqualTo(Limit.MESSAGE_SIZE.defaultValue());
    }

    @Test
    void fromConfigurationIgnoresUnknownKeysAndKeepsDefaults() {
        IpcLimits l = PlatformConfiguration.limits(Map.of("service.pid", PlatformConfiguration.LIMITS_PID, "other", 3));
        assertThat(l).isEqualTo(IpcLimits.defaults()).hasSameHashCodeAs(IpcLimits.defaults());
    }

    @ParameterizedTest
    @ValueSource(strings = { "many", "", "1.5", "12k", "99999999999999999999" })
    void fromConfigurationRejectsNonNumbers(String value) {
        assertThatThrownBy(() -> PlatformConfiguration.limits(Map.of("queue.messages.max", value)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("queue.messages.max")
                .hasMessageContaining("'" + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = { "0", "-5" })
    void fromConfigurationRejectsNonPositiveValues(String value) {
        assertThatThrownBy(() -> PlatformConfiguration.limits(Map.of("channels.max", value)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("channels.max");
    }

    @Test
    void fromConfigurationRejectsFractionalNumbers() {
        assertThatThrownBy(() -> PlatformConfiguration.limits(Map.of("channels.max", 2.5)))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT));
    }

    @Test
    void withChangesOneLimitInACopy() {
        IpcLimits d = IpcLimits.defaults();
        IpcLimits l = d.with(Limit.CHANNELS, 2);

        assertThat(l.get(Limit.CHANNELS)).isEqualTo(2);
        assertThat(d.get(Limit.CHANNELS)).isEqualTo(1024);
        assertThat(l).isNotEqualTo(d);
        assertThat(l.get(Limit.QUEUE_MESSAGES)).isEqualTo(d.get(Limit.QUEUE_MESSAGES));
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, -1, Long.MIN_VALUE })
    void withRejectsNonPositive(long value) {
        assertThatThrownBy(() -> IpcLimits.defaults().with(Limit.QUEUE_MESSAGES, value))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("queue.messages.max")
                .hasMessageContaining(String.valueOf(value));
    }

    @Test
    void checkAllowsUpToTheLimit() {
        IpcLimits l = IpcLimits.defaults().with(Limit.QUEUE_MESSAGES, 4);
        assertThatCode(() -> l.check(Limit.QUEUE_MESSAGES, 4, "queue 'q'")).doesNotThrowAnyException();
        assertThatCode(() -> l.check(Limit.QUEUE_MESSAGES, 0, "queue 'q'")).doesNotThrowAnyException();
    }

    @Test
    void checkPastTheLimitNamesObjectLimitAndValue() {
        IpcLimits l = IpcLimits.defaults().with(Limit.QUEUE_MESSAGES, 4);
        assertThatThrownBy(() -> l.check(Limit.QUEUE_MESSAGES, 5, "queue 'orders'"))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED))
                .hasMessageContaining("queue 'orders'")
                .hasMessageContaining("queue.messages.max = 4")
                .hasMessageContaining("5");
    }
}
