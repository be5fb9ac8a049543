package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;

/** The idle steps of each strategy, decided by the pass count and the start given, and the word form. */
class WaitLoopTest {
    private static final long LONG_AGO = System.nanoTime() - 10_000_000_000L;

    @Test
    void blockSleepsAtOnce() {
        assertThat(WaitLoop.idle(WaitStrategy.BLOCK, 0, System.nanoTime())).isFalse();
    }

    @Test
    void spinNeverEndsItsIdlePhase() {
        for (int pass = 0; pass < 10_000; pass++) {
            assertThat(WaitLoop.idle(WaitStrategy.SPIN, pass, LONG_AGO)).isTrue();
        }
    }

    @Test
    void adaptiveAndBackoffSpinUntilTheirBudgetIsSpent() {
        for (WaitStrategy s : new WaitStrategy[] { WaitStrategy.adaptive(WaitStrategy.MAX_SPIN_MICROS),
                WaitStrategy.backoff(WaitStrategy.MAX_SPIN_MICROS) }) {
            long now = System.nanoTime();
            // a budget of a second cannot be spent by the first passes of a wait that just began
            for (int pass = 0; pass < WaitLoop.BACKOFF_SPINS + WaitLoop.BACKOFF_YIELDS; pass++) {
                assertThat(WaitLoop.idle(s, pass, now)).as("%s pass %d", s, pass).isTrue();
            }
            assertThat(WaitLoop.idle(s, 0, LONG_AGO)).as("%s after its budget", s).isFalse();
        }
        assertThat(WaitLoop.idle(WaitStrategy.adaptive(0), 0, System.nanoTime())).isFalse();
    }

    @Test
    void backoffParksOnceItsSpinsAndYieldsAreDone() {
        WaitStrategy s = WaitStrategy.backoff(WaitStrategy.MAX_SPIN_MICROS);
        int parking = WaitLoop.BACKOFF_SPINS + WaitLoop.BACKOFF_YIELDS;
        // parks of 1 µs doubling; an interrupt makes a park return at once, so the step still ends
        Thread.currentThread().interrupt();
        try {
            assertThat(WaitLoop.idle(s, parking + 40, System.nanoTime())).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theWordFormReadsBack() {
        for (WaitStrategy s : new WaitStrategy[] { WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.BACKOFF,
                WaitStrategy.ADAPTIVE, WaitStrategy.adaptive(WaitStrategy.MAX_SPIN_MICROS) }) {
            assertThat(WaitLoop.fromWord(WaitLoop.word(s), "x")).isEqualTo(s);
        }
    }

    @Test
    void aWordNamingNoStrategyIsCorrupt() {
        for (int word : new int[] { 0, 5, 0xf, ((WaitStrategy.MAX_SPIN_MICROS + 1) << 4) | 4 }) {
            assertThatThrownBy(() -> WaitLoop.fromWord(word, "queue 'q'"))
                    .isInstanceOfSatisfying(IpcException.class,
                            e -> assertThat(e.error()).isEqualTo(IpcError.CORRUPTED))
                    .hasMessageContaining("queue 'q'");
        }
    }
}
