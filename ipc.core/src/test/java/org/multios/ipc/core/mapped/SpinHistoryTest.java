package org.multios.ipc.core.mapped;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.multios.ipc.WaitStrategy;

/** Adaptive spins shrink while they run out and grow back while they pay off; other kinds keep their budget. */
class SpinHistoryTest {
    @Test
    void adaptiveSpinsHalveDownToAFloorAndDoubleBackToTheBudget() {
        WaitStrategy s = WaitStrategy.adaptive(64);
        SpinHistory h = new SpinHistory();
        assertThat(h.budgetNanos(s)).isEqualTo(64_000);
        h.ranOut(s);
        assertThat(h.budgetNanos(s)).isEqualTo(32_000);
        for (int i = 0; i < 20; i++) {
            h.ranOut(s);
        }
        assertThat(h.budgetNanos(s)).as("keeps probing").isEqualTo(64_000 >> SpinHistory.SHRINK_FLOOR_SHIFT);
        h.paidOff(s);
        assertThat(h.budgetNanos(s)).isEqualTo(2_000);
        for (int i = 0; i < 20; i++) {
            h.paidOff(s);
        }
        assertThat(h.budgetNanos(s)).isEqualTo(64_000);
    }

    @Test
    void otherKindsAndAChangedBudgetUseTheStrategysBudget() {
        SpinHistory h = new SpinHistory();
        h.ranOut(WaitStrategy.adaptive(1000));
        h.ranOut(WaitStrategy.adaptive(1000));
        assertThat(h.budgetNanos(WaitStrategy.backoff(1000))).isEqualTo(1_000_000);
        assertThat(h.budgetNanos(WaitStrategy.adaptive(100))).as("learned more than the new budget")
                .isEqualTo(100_000);
        assertThat(h.budgetNanos(WaitStrategy.BLOCK)).isZero();
    }

    @Test
    void aWaitThatSleptButEndedWithinTheBudgetRaisesTheSpinToCoverIt() {
        WaitStrategy s = WaitStrategy.adaptive(64);
        SpinHistory h = new SpinHistory();
        for (int i = 0; i < 20; i++) {
            h.ranOut(s); // long idle waits: down to the floor of 1 us
        }
        h.sleptFor(s, 10_000); // the answer came after 10 us, by sleeping
        assertThat(h.budgetNanos(s)).as("a spin of 15 us would have caught it").isGreaterThanOrEqualTo(15_000)
                .isLessThanOrEqualTo(64_000);

        long before = h.budgetNanos(s);
        h.sleptFor(s, 1_000_000); // longer than the budget: spinning would not have helped
        assertThat(h.budgetNanos(s)).isEqualTo(before);

        SpinHistory backoff = new SpinHistory();
        backoff.sleptFor(WaitStrategy.backoff(64), 10_000);
        assertThat(backoff.budgetNanos(WaitStrategy.backoff(64))).isEqualTo(64_000);
    }
}
