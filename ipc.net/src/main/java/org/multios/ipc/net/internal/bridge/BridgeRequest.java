package org.multios.ipc.net.internal.bridge;

import org.multios.ipc.net.internal.wire.Frame;

/**
 * One request a bridge received and has not answered yet: waiting for a worker, running on
 * one, or done. A cancel (the peer's CANCEL, or its BYE while the request waits) interrupts
 * the worker only while the request runs, so the interrupt never reaches the next request.
 */
final class BridgeRequest {
    private enum State { WAITING, RUNNING, DONE }

    private final int id;
    private final Frame frame;
    private State state = State.WAITING;
    private Thread worker;
    private boolean cancelled;
    private boolean answered;

    /** @param frame the request as it arrived; its id is read from it */
    BridgeRequest(Frame frame) {
        this.frame = frame;
        this.id = Replies.id(frame);
    }

    int id() {
        return id;
    }

    Frame frame() {
        return frame;
    }

    /**
     * The calling worker starts the request.
     *
     * @return false if it was cancelled before it started (it must not run)
     */
    synchronized boolean start() {
        worker = Thread.currentThread();
        state = State.RUNNING;
        return !cancelled;
    }

    /** The operation returned; later cancels no longer interrupt. Clears a stray interrupt. */
    synchronized void finish() {
        state = State.DONE;
        worker = null;
        Thread.interrupted();
    }

    /** Its one reply is being handed to the connection. */
    synchronized void answering() {
        answered = true;
    }

    /** Whether its reply was handed to the connection (or is being). */
    synchronized boolean isAnswered() {
        return answered;
    }

    /** Whether the peer cancelled the request. */
    synchronized boolean isCancelled() {
        return cancelled;
    }

    /** The peer cancelled the request: it does not start, or its wait ends. */
    synchronized void cancel() {
        cancelled = true;
        interrupt();
    }

    /** Ends the request's wait, if it is in one, without cancelling it (the peer said BYE). */
    synchronized void interrupt() {
        if (state == State.RUNNING) {
            worker.interrupt();
        }
    }
}
