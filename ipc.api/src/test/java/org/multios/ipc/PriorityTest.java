package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PriorityTest {

    @Test
    void rangeIsThatOfPosixQueues() {
        assertThat(Priority.MIN).isZero();
        assertThat(Priority.MAX).isEqualTo(31);
        assertThat(Priority.LEVELS).isEqualTo(32);
        assertThat(Priority.DEFAULT).isBetween(Priority.MIN, Priority.MAX);
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 15, 31 })
    void acceptsPrioritiesInRange(int priority) {
        assertThat(Priority.requireValid(priority, "queue 'q'")).isEqualTo(priority);
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 32, Integer.MIN_VALUE, Integer.MAX_VALUE })
    void rejectsPrioritiesOutOfRangeNamingObjectAndRange(int priority) {
        assertThatThrownBy(() -> Priority.requireValid(priority, "queue 'orders'"))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("queue 'orders'")
                .hasMessageContaining(String.valueOf(priority))
                .hasMessageContaining("0..31");
    }
}
