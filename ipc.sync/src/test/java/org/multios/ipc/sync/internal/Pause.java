package org.multios.ipc.sync.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A test hook that stops the first thread reaching a step until the test lets it go. */
final class Pause implements SyncHandle.Hook {
    private final int step;
    private final AtomicBoolean used = new AtomicBoolean();
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch go = new CountDownLatch(1);

    private Pause(int step) {
        this.step = step;
    }

    /** Sets a pause at {@code step} on a handle. */
    static Pause at(Object handle, int step) {
        Pause p = new Pause(step);
        ((SyncHandle) handle).hook(p);
        return p;
    }

    @Override
    public void at(int s) {
        if (s == step && used.compareAndSet(false, true)) {
            arrived.countDown();
            try {
                if (!go.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("the test never let the paused thread go");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until a thread stopped at the step. */
    void awaitArrival() throws InterruptedException {
        if (!arrived.await(20, TimeUnit.SECONDS)) {
            throw new AssertionError("no thread reached step " + step);
        }
    }

    /** Lets the stopped thread go on. */
    void release() {
        go.countDown();
    }
}
