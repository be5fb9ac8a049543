package org.multios.ipc.bench.queue;

import java.util.concurrent.TimeUnit;

/**
 * The far side of a one-way throughput benchmark: a named daemon thread, owned by a trial's
 * state, that repeats one step (receive a message, read a buffer) until stopped. The benchmark
 * thread is the sender; this thread drains what it sends, so the sender never stops for lack of
 * a reader between iterations. A failure ends the loop, is kept for the error that
 * {@link #stop} throws, and runs a hook that unblocks the sender (closing its end).
 */
public final class BackgroundLoop {
    /** One step of the loop. */
    @FunctionalInterface
    public interface Step {
        /**
         * Does one receive.
         *
         * @return false to end the loop (end of stream)
         */
        boolean run() throws Exception;
    }

    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private BackgroundLoop(String name, Step step, Runnable onFailure) {
        thread = new Thread(() -> {
            try {
                while (running && step.run()) {
                    // next step
                }
            } catch (Throwable t) {
                if (running) {
                    failure = t;
                    onFailure.run();
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts a loop on a new thread of that name. */
    public static BackgroundLoop start(String name, Step step, Runnable onFailure) {
        BackgroundLoop loop = new BackgroundLoop(name, step, onFailure);
        loop.thread.start();
        return loop;
    }

    /** An exception for the sender, whose end was closed because this loop failed. */
    public IllegalStateException failed(Throwable senderError) {
        IllegalStateException x = new IllegalStateException(thread.getName() + " failed", failure);
        x.addSuppressed(senderError);
        return x;
    }

    /**
     * Stops the loop: clears the flag, runs {@code wake} to unblock the step (closing the
     * receiving end), and joins, interrupting if it has not ended within 5 s.
     *
     * @throws IllegalStateException if the thread would not end, or the loop had failed
     */
    public void stop(Runnable wake) {
        running = false;
        wake.run();
        try {
            thread.join(JOIN_MILLIS);
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(JOIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop");
        }
        if (failure != null) {
            throw new IllegalStateException(thread.getName() + " failed", failure);
        }
    }
}
