package org.multios.ipc.channels.pipe;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The file descriptors of one named-pipe end: the FIFO itself, an inotify watch that tells a
 * writer waiting for its first reader of opens, and an
 * eventfd that wakes every poller at once when the end closes. The FIFO's descriptor belongs to
 * JDK streams ({@link FifoStreams}). Each operation holds a lease, and
 * the descriptors are closed only when the end has closed and the last lease is returned, so a
 * descriptor number is never reused under a thread still polling it. A read or write of the
 * FIFO is one step, taken together with its grant check ({@link #beginStep}); revocation waits
 * for a step under way ({@link #revoke}), so none transfers a byte after it.
 */
final class FifoDescriptors {
    private static final int CLOSED = 1 << 30;

    private final AtomicInteger state = new AtomicInteger();
    /** Steps hold it shared; revocation takes it exclusively, once. */
    private final ReentrantReadWriteLock steps = new ReentrantReadWriteLock();
    private final int wakeFd;
    private final int fifoFd;
    private final FifoStreams streams;
    private volatile int watchFd = -1;

    /**
     * @param fifoFd     the FIFO's descriptor, opened non-blocking; this takes it over
     * @param forWriting whether it was opened for writing
     * @param what       the end, for messages
     * @throws IpcException IO_ERROR if no eventfd can be had or the JDK cannot take the
     *                      descriptor over (it is closed)
     */
    FifoDescriptors(int fifoFd, boolean forWriting, String what) {
        int wake = FifoCalls.eventfd();
        if (wake < 0) {
            FifoCalls.close(fifoFd);
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot make an eventfd: " + FifoCalls.strerror(-wake));
        }
        try {
            this.streams = forWriting ? FifoStreams.forWriting(fifoFd) : FifoStreams.forReading(fifoFd);
        } catch (IOException e) {
            FifoCalls.close(wake);
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot hand the FIFO to a JDK stream: " + e.getMessage());
        }
        this.wakeFd = wake;
        this.fifoFd = streams.fd();
    }

    /** Takes a lease for one operation; false once the end is closed. */
    boolean acquire() {
        while (true) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** Returns a lease; the last one after closing closes the descriptors. */
    void release() {
        if (state.decrementAndGet() == CLOSED) {
            closeAll();
        }
    }

    /** Closes the end: pollers wake at once; the descriptors go with the last lease. */
    void close() {
        int s = state.getAndUpdate(v -> v | CLOSED);
        if ((s & CLOSED) != 0) {
            return;
        }
        FifoCalls.signal(wakeFd);
        if (s == 0) {
            closeAll();
        }
    }

    /** Starts a step: the grant check and the non-blocking call that follows it. Call under a lease. */
    void beginStep() {
        steps.readLock().lock();
    }

    void endStep() {
        steps.readLock().unlock();
    }

    /**
     * The end's grant was revoked: waits for a step under way, then wakes every poller at once,
     * now and later (each then finds the grant revoked).
     */
    void revoke() {
        steps.writeLock().lock();
        steps.writeLock().unlock();
        if (acquire()) {
            try {
                FifoCalls.signal(wakeFd);
            } finally {
                release();
            }
        }
    }

    private void closeAll() {
        streams.close();
        FifoCalls.close(watchFd);
        FifoCalls.close(wakeFd);
    }

    /** {@link FifoStreams#read}. Call under a lease, on a reading end. */
    int read(byte[] array, int off, int len) {
        return streams.read(array, off, len);
    }

    /** {@link FifoStreams#write}. Call under a lease, on a writing end. */
    int write(byte[] array, int off, int len) {
        return streams.write(array, off, len);
    }

    /**
     * Whether the FIFO has one of {@code events} now (or a hang-up), without sleeping: the probe
     * of a wait that spins. Call under a lease.
     */
    boolean ready(short events) {
        int r = FifoCalls.poll(fifoFd, events, -1, 0);
        if (r > 0) {
            streams.ready(r);
        }
        return r > 0;
    }

    /** The FIFO's descriptor. Call under a lease. */
    int fifo() {
        return fifoFd;
    }

    /** Starts watching opens of the FIFO's file (once); without inotify waits go in slices. Call under a lease. */
    synchronized void watch(String path) {
        if (watchFd < 0) {
            watchFd = FifoCalls.watchOpens(path);
        }
    }

    /**
     * Sleeps in the kernel until the FIFO has one of {@code events}, the end closes, or
     * {@code millis} pass. Call under a lease.
     *
     * @return the FIFO's events, 0 if none
     */
    int await(short events, int millis) {
        int r = FifoCalls.poll(fifoFd, events, wakeFd, millis);
        if (r > 0) {
            streams.ready(r);
        }
        return r < 0 ? 0 : r;
    }

    /**
     * Sleeps until the FIFO's file is opened by someone, the end closes, or {@code millis} pass;
     * without a watch, just until one of the latter. Call under a lease.
     */
    void awaitOpen(int millis) {
        int w = watchFd;
        int r = FifoCalls.poll(w, FifoCalls.POLLIN, wakeFd, millis);
        if (w >= 0 && r > 0) {
            FifoCalls.drain(w);
        }
    }
}
