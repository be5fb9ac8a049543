package org.multios.ipc.spi;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A test hook for mechanisms that call one at numbered steps: holds the first thread that
 * reaches the armed step until the test lets it go, so that the test acts inside the window that
 * step opens.
 */
public final class StepPause implements IntConsumer {
    /** How long a test waits for a thread to arrive, and a held thread for the test. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final AtomicInteger armed = new AtomicInteger();
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch resume = new CountDownLatch(1);

    /** Holds the next thread that reaches {@code step} (at least 1); one step per pause. */
    public StepPause arm(int step) {
        armed.set(step);
        return this;
    }

    @Override
    public void accept(int step) {
        if (!armed.compareAndSet(step, 0)) {
            return;
        }
        reached.countDown();
        try {
            if (!resume.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the test did not let the held thread go within " + WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a thread is held at the armed step. */
    public void awaitReached() throws InterruptedException {
        if (!reached.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no thread reached the armed step within " + WAIT);
        }
    }

    /** Lets the held thread go on. */
    public void resume() {
        resume.countDown();
    }

    /**
     * Runs {@code action} on a new thread named {@code name} while a thread is held at the armed
     * step, waits until it blocks or ends, then lets the held thread go and waits (at most
     * {@link #WAIT}) for the action to end.
     *
     * @return whether the action ended while the step was held (what a revocation, release or
     *         close that waits for the steps under way must not do)
     */
    public boolean runWhileHeld(String name, Runnable action) throws InterruptedException {
        Thread t = new Thread(action, name);
        t.start();
        boolean returned = awaitBlockedOrDone(t);
        resume();
        t.join(WAIT.toMillis());
        return returned;
    }

    /**
     * Waits until a thread is blocked (waiting for a lock, a condition or a latch) or has ended;
     * returns whether it ended.
     */
    public static boolean awaitBlockedOrDone(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.State s = t.getState();
            if (s == Thread.State.TERMINATED) {
                return true;
            }
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
                return false;
            }
            Thread.sleep(1);
        }
        throw new AssertionError(t.getName() + " neither blocked nor ended within " + WAIT);
    }
}
