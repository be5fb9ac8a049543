package org.multios.ipc.bench.channel;

import java.util.concurrent.TimeUnit;

/**
 * The echo side of an in-process round trip: a named daemon thread, owned by a benchmark state,
 * that repeats one step (wait a bounded time for a ping, answer it) until stopped. A failure
 * ends the loop and is reported by {@link #stop()} and {@link #noReply(String)}.
 */
final class Echo {
    /** One bounded wait-and-answer. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private Echo(String name, Step step) {
        thread = new Thread(() -> {
            try {
                while (running) {
                    step.run();
                }
            } catch (Throwable t) {
                if (running) {
                    failure = t;
                }
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts an echo thread. */
    static Echo start(String name, Step step) {
        Echo e = new Echo(name, step);
        e.thread.start();
        return e;
    }

    /** Whether the loop should go on; for steps that spin. */
    boolean running() {
        return running;
    }

    /** An exception for the measuring side when no answer came. */
    IllegalStateException noReply(String what) {
        return new IllegalStateException(thread.getName() + ": no " + what + " reply in time"
                + (thread.isAlive() ? "" : " (echo thread ended)"), failure);
    }

    /**
     * Stops the loop and joins the thread, interrupting it if it has not ended within 5 s.
     *
     * @throws IllegalStateException if it would not end, or the echo had failed
     */
    void stop() {
        running = false;
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
