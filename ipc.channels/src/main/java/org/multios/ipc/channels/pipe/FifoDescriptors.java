package org.multios.ipc.channels.pipe;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.posix.AdoptedStream;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The file descriptors of one named-pipe end: the FIFO itself, an inotify watch that tells a
 * writer waiting for its first reader of opens, and an
 * eventfd that wakes every poller at once when the end closes. The FIFO's descriptor belongs to
 * a JDK stream ({@link AdoptedStream}): reads and writes are the JDK's calls, and only when one
 * fails (nothing to read, no room, no reader) is the attempt made again natively, which tells
 * why ({@link #read}, {@link #write}). Each operation holds a lease, and
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
    private final Closeable stream;
    private final FileInputStream in;
    private final FileOutputStream out;
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
        AdoptedStream<? extends Closeable> adopted;
        try {
            adopted = forWriting ? AdoptedStream.forWriting(fifoFd) : AdoptedStream.forReading(fifoFd);
        } catch (IOException e) {
            FifoCalls.close(wake);
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot hand the FIFO to a JDK stream: " + e.getMessage());
        }
        this.wakeFd = wake;
        this.fifoFd = adopted.fd();
        this.stream = adopted.stream();
        this.in = forWriting ? null : (FileInputStream) stream;
        this.out = forWriting ? (FileOutputStream) stream : null;
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
        try {
            stream.close();
        } catch (IOException ignored) {
            // close(2) failed: the descriptor is released all the same
        }
        FifoCalls.close(watchFd);
        FifoCalls.close(wakeFd);
    }

    /**
     * Reads at most {@code len} bytes without waiting. Call under a lease, on a reading end.
     *
     * @return the count, 0 at end of file, or the negated errno ({@code EAGAIN}: nothing now)
     */
    int read(byte[] array, int off, int len) {
        try {
            int n = in.read(array, off, len);
            return n < 0 ? 0 : n;
        } catch (IOException failed) {
            // the JDK does not say why: ask the kernel again (a real attempt: bytes may have come)
            return FifoCalls.read(fifoFd, array, off, null, len);
        }
    }

    /**
     * Writes without waiting: through the JDK stream the first {@link FifoCalls#PIPE_BUF} bytes
     * (whole or not at all); if that fails, natively all {@code len} (whole if at most
     * {@code PIPE_BUF}, else as many as fit), which also tells why. Call under a lease, on a
     * writing end.
     *
     * @return the count or the negated errno ({@code EAGAIN}: no room now; {@code EPIPE}: no
     *         reader)
     */
    int write(byte[] array, int off, int len) {
        int chunk = Math.min(len, FifoCalls.PIPE_BUF);
        try {
            out.write(array, off, chunk);
            return chunk;
        } catch (IOException failed) {
            // nothing was written (PIPE_BUF bytes go whole or not at all): the kernel says why
            return FifoCalls.write(fifoFd, array, off, null, len);
        }
    }

    /**
     * Whether the FIFO has one of {@code events} now (or a hang-up), without sleeping: the probe
     * of a wait that spins. Call under a lease.
     */
    boolean ready(short events) {
        return FifoCalls.poll(fifoFd, events, -1, 0) > 0;
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
