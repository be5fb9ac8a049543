package org.multios.ipc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatisticsTest {

    private static long[] counters() {
        long[] c = new long[Counter.values().length];
        for (int i = 0; i < c.length; i++) {
            c[i] = 100 + i;
        }
        return c;
    }

    @Test
    void readsEachCounterByName() {
        WaitTimes w = new WaitTimes(3, 10, 20, 30, 40, 50);
        Statistics s = Statistics.of(counters(), w);

        assertThat(s.get(Counter.MESSAGES_IN)).isEqualTo(100);
        assertThat(s.get(Counter.HANDLES)).isEqualTo(100 + Counter.HANDLES.ordinal());
        assertThat(s.waitTimes()).isEqualTo(w);
        assertThat(s.asMap()).containsOnlyKeys(Counter.values()).containsEntry(Counter.DEPTH,
                100L + Counter.DEPTH.ordinal());
    }

    @Test
    void copiesTheArrayItIsGiven() {
        long[] c = counters();
        Statistics s = Statistics.of(c, WaitTimes.NONE);

        c[Counter.MESSAGES_IN.ordinal()] = -1;

        assertThat(s.get(Counter.MESSAGES_IN)).isEqualTo(100);
    }

    @Test
    void snapshotCannotBeChangedThroughItsMap() {
        Statistics s = Statistics.of(counters(), WaitTimes.NONE);
        s.asMap().put(Counter.MESSAGES_IN, -1L);
        assertThat(s.get(Counter.MESSAGES_IN)).isEqualTo(100);
    }

    @Test
    void rejectsAWrongNumberOfCounters() {
        int n = Counter.values().length;
        for (int length : new int[] { 0, 1, n - 1, n + 1 }) {
            assertThatThrownBy(() -> Statistics.of(new long[length], WaitTimes.NONE))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                    .hasMessageContaining("expected " + n + " counters, got " + length);
        }
    }

    @Test
    void waitTimesAreRequired() {
        assertThatThrownBy(() -> Statistics.of(counters(), null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void emptyHasEveryCounterZero() {
        assertThat(Statistics.EMPTY.asMap().values()).containsOnly(0L);
        assertThat(Statistics.EMPTY.waitTimes()).isEqualTo(WaitTimes.NONE);
    }
}
