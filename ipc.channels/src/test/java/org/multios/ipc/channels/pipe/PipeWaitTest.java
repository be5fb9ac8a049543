package org.multios.ipc.channels.pipe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.SpinHistory;

/**
 * How one pipe wait idles before it sleeps: an adaptive wait whose probes are system calls (a
 * named pipe's {@code poll}) sleeps at once and leaves the end's spin history alone; one whose
 * probes read memory (an unnamed pipe's change count) idles while its budget lasts; spinning and
 * backing off probe whatever the probe costs.
 */
class PipeWaitTest {
    private static final WaitStrategy LONG_ADAPTIVE = WaitStrategy.adaptive(1_000_000);

    @Test
    void anAdaptiveWaitWhoseProbesAreSystemCallsSleepsAtOnce() {
        SpinHistory history = new SpinHistory();
        long budget = history.budgetNanos(LONG_ADAPTIVE);
        PipeWait wait = new PipeWait(LONG_ADAPTIVE, history, true);

        assertThat(wait.idle()).isFalse();
        assertThat(wait.sleeping()).isTrue();
        wait.done();
        assertThat(history.budgetNanos(LONG_ADAPTIVE)).as("nothing learnt").isEqualTo(budget);
    }

    @Test
    void anAdaptiveWaitWhoseProbesReadMemoryIdlesFirst() {
        PipeWait wait = new PipeWait(LONG_ADAPTIVE, new SpinHistory(), false);
        assertThat(wait.idle()).isTrue();
        assertThat(wait.sleeping()).isFalse();
    }

    @Test
    void spinningAndBackingOffProbeWhateverTheProbeCosts() {
        assertThat(new PipeWait(WaitStrategy.SPIN, new SpinHistory(), true).idle()).isTrue();
        assertThat(new PipeWait(WaitStrategy.backoff(1_000_000), new SpinHistory(), true).idle()).isTrue();
        assertThat(new PipeWait(WaitStrategy.BLOCK, new SpinHistory(), true).idle()).isFalse();
    }
}
