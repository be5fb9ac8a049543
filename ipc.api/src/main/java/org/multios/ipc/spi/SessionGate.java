package org.multios.ipc.spi;

import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.multios.ipc.IpcException;

/**
 * The service calls under way in one caller's session of a mechanism, so that releasing the
 * session waits for them: whatever a call makes exists before the release returns, and the
 * release can undo or give back all of it. Calls are {@link #enter entered} and
 * {@link #exit exited} around their work; they must not wait for other processes in between
 * (blocking operations belong to handles, which the release closes).
 */
public final class SessionGate {
    private final ReentrantReadWriteLock calls = new ReentrantReadWriteLock();
    private final String service;
    private volatile boolean closed;

    /** @param service the session's service, for CLOSED messages ({@code the pipe service of ...}) */
    public SessionGate(String service) {
        this.service = service;
    }

    /**
     * Starts a call; every call that returns normally must be followed by {@link #exit()}.
     *
     * @throws IpcException CLOSED once the session is closed
     */
    public void enter() {
        calls.readLock().lock();
        if (closed) {
            calls.readLock().unlock();
            throw IpcException.closed(service);
        }
    }

    /** Ends a call. */
    public void exit() {
        calls.readLock().unlock();
    }

    /**
     * Runs a call between {@link #enter()} and {@link #exit()}.
     *
     * @throws IpcException CLOSED once the session is closed
     */
    public <T> T call(Supplier<T> work) {
        enter();
        try {
            return work.get();
        } finally {
            exit();
        }
    }

    /** As {@link #call}, for a call that returns nothing. */
    public void run(Runnable work) {
        enter();
        try {
            work.run();
        } finally {
            exit();
        }
    }

    /** Whether the session is closed. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the session once the calls under way have ended; later calls fail with CLOSED.
     * A thread inside a call must not close its own session.
     */
    public void close() {
        calls.writeLock().lock();
        try {
            closed = true;
        } finally {
            calls.writeLock().unlock();
        }
    }
}
