package org.multios.ipc.bench.sync;

import java.util.concurrent.TimeUnit;

/**
 * The echo side of an in-process ping-pong: a named daemon thread that repeats one step (wait
 * for a ping, answer it) until stopped. A failure ends the loop, is kept for the measuring
 * side's error message, and runs a hook that unblocks the measuring side (closing a channel).
 */
final class EchoThread {
    /** One wait-and-answer; returns when answered, or when a bounded wait found nothing. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private EchoThread(String name, Step step, Runnable onFailure) {
        thread = new Thread(() -> {
            try {
                while (running) {
                    step.run();
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

    /** Starts an echo thread. */
    static EchoThread start(String name, Step step, Runnable onFailure) {
        EchoThread e = new EchoThread(name, step, onFailure);
        e.thread.start();
        return e;
    }

    /** An exception for the measuring side when no answer came; names the echo's failure if any. */
    IllegalStateException noReply(String what) {
        return new IllegalStateException(thread.getName() + ": no " + what + " reply in time"
                + (thread.isAlive() ? "" : " (echo thread ended)"), failure);
    }

    /**
     * Stops the loop: clears the flag, runs {@code wake} to unblock the step (a post, a close),
     * and joins, interrupting if it has not ended within 5 s.
     *
     * @throws IllegalStateException if the thread would not end, or the echo had failed
     */
    void stop(Runnable wake) {
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
