package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A reactor with no socket registered and no timer set sleeps until it is handed a task, instead
 * of waking at every tick; a timer set from a task still runs, and a task still wakes it.
 */
@Timeout(30)
class ReactorIdleTest {
    /** A tick short enough that a reactor waking at every tick would go round many times. */
    private static final Reactor.Timing FAST = new Reactor.Timing(Duration.ofMillis(5), Duration.ofMillis(1));

    @Test
    void anIdleReactorDoesNotWakeAtItsTicks() throws Exception {
        try (Reactor reactor = new Reactor("test-reactor-idle", FAST)) {
            runInReactor(reactor, () -> { });
            long before = reactor.passes();
            // 40 ticks: a reactor that wakes at its ticks goes round about 40 times meanwhile
            Thread.sleep(200);
            assertThat(reactor.passes() - before).as("passes of an idle reactor over 40 ticks").isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aTimerSetInAnIdleReactorRunsAndATaskWakesIt() throws Exception {
        try (Reactor reactor = new Reactor("test-reactor-timer", FAST)) {
            CountDownLatch fired = new CountDownLatch(1);
            reactor.execute(() -> reactor.at(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), fired::countDown));
            assertThat(fired.await(10, TimeUnit.SECONDS)).as("the timer ran").isTrue();
            runInReactor(reactor, () -> { });
        }
    }

    private static void runInReactor(Reactor reactor, Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        reactor.execute(() -> {
            task.run();
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).as("the reactor ran the task").isTrue();
    }
}
