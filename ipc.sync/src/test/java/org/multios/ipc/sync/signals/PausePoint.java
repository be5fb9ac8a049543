package org.multios.ipc.sync.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SignalMechanism.Hook} that holds the first thread reaching one step there until the
 * test lets it go, so that the test can act inside the window that step opens.
 */
final class PausePoint implements SignalMechanism.Hook {
    private final AtomicInteger armed = new AtomicInteger();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);

    /** Holds the next thread that reaches {@code step}; only one step is held per test. */
    void arm(int step) {
        armed.set(step);
    }

    @Override
    public void at(int step) {
        if (!armed.compareAndSet(step, 0)) {
            return;
        }
        reached.countDown();
        try {
            if (!resume.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the test did not let the paused thread go within " + TestProcesses.WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a thread is held at the armed step. */
    void awaitReached() throws InterruptedException {
        assertThat(reached.await(TestProcesses.WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .as("a thread reached the armed step within " + TestProcesses.WAIT).isTrue();
    }

    /** Lets the held thread go on. */
    void resume() {
        resume.countDown();
    }
}
