package org.multios.ipc.bench;

import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * The far side of a benchmark, on a named daemon thread owned by a trial's state: it repeats
 * one step (receive and count a message, read a buffer, answer a ping) until stopped. The
 * benchmark thread is the measuring side: the sender of a one-way stream, whose messages this
 * loop drains so that the sender never stops for lack of a reader, or the pinging side of a
 * round trip, which this loop echoes. A failure ends the loop, is kept for the measuring side's
 * error ({@link #failed}, {@link #noReply}) and for {@link #stop}, and runs a hook that unblocks
 * the measuring side (closing its end).
 */
public final class BackgroundLoop {
    /** One step of the loop. */
    @FunctionalInterface
    public interface Step {
        /**
         * Does one receive (and answer); a step that waits returns after a bounded wait even if
         * nothing came, so that the loop sees that it should stop.
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

    /** Starts a loop on a new thread of that name, with nothing to unblock when it fails. */
    public static BackgroundLoop start(String name, Step step) {
        return start(name, step, () -> { });
    }

    /**
     * Starts a loop on a new thread of that name.
     *
     * @param onFailure unblocks the measuring side after a failure of the loop
     */
    public static BackgroundLoop start(String name, Step step, Runnable onFailure) {
        BackgroundLoop loop = new BackgroundLoop(name, step, onFailure);
        loop.thread.start();
        return loop;
    }

    /**
     * For a step whose bounded wait failed: true (go on) if it timed out, which is how an idle
     * echo looks again whether it should stop; any other error is rethrown and ends the loop.
     */
    public static boolean continueAfterTimeout(IpcException e) {
        if (e.error() != IpcError.TIMEOUT) {
            throw e;
        }
        return true;
    }

    /** An exception for the measuring side, whose call failed (its end closed because this loop failed). */
    public IllegalStateException failed(Throwable measuringError) {
        IllegalStateException x = new IllegalStateException(thread.getName() + " failed", failure);
        x.addSuppressed(measuringError);
        return x;
    }

    /** An exception for the measuring side when no answer came; names the loop's failure if any. */
    public IllegalStateException noReply(String what) {
        return new IllegalStateException(thread.getName() + ": no " + what + " reply in time"
                + (thread.isAlive() ? "" : " (echo thread ended)"), failure);
    }

    /** Stops a loop whose step never blocks for long ({@link #stop(Runnable)} with nothing to wake). */
    public void stop() {
        stop(() -> { });
    }

    /**
     * Stops the loop: clears the flag, runs {@code wake} to unblock the step (a post, a close of
     * the receiving end), and joins, interrupting if it has not ended within 5 s.
     *
     * @throws IllegalStateException if the thread would not end, or the loop had failed
     */
    public void stop(Runnable wake) {
        running = false;
        wake.run();
        try {
            thread.join(JOIN_MILLIS);
            thread.interrupt(); // nothing if it has ended; else a last chance to
            thread.join(JOIN_MILLIS);
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
