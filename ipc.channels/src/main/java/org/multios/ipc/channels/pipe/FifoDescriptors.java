package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.sun.jna.Memory;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The file descriptors of one named-pipe end and the transfers through them: the FIFO opened
 * non-blocking (kept by the end, for {@code poll}, and read or written through a JDK channel on
 * a duplicate, {@link FifoChannel}), the same FIFO opened once more blocking (a second channel,
 * made at the first wait that sleeps in it), an inotify watch that tells a writer waiting for its
 * first reader of opens, and an eventfd that wakes every poller at once when the end closes.
 * Each operation holds a lease, and the descriptors are closed only when the end has closed and
 * the last lease is returned, so a descriptor number is never reused under a thread still
 * polling it.
 *
 * <p>Two ways to wait. A wait that sleeps at once and has no deadline ({@code BLOCK}, a named
 * pipe's {@code ADAPTIVE}) sleeps in the kernel's own {@code read} or {@code write} on the
 * blocking descriptor, as a plain pipe's reader and writer do: one system call per transfer.
 * Closing the end, revoking its grant ({@link #revoke}) and interrupting the thread close that
 * channel, which wakes the sleeper. One thread at a time sleeps there: the JDK's channel lets one
 * call in at a time, and a thread waiting for its lock heeds neither interrupts nor closing. Other
 * waits (spinning, backing off, with a deadline, before the other side was seen, or while another
 * thread of the end sleeps in the kernel) attempt without blocking and sleep in {@code poll}
 * between attempts, in slices so that interrupts are noticed; closing and revocation write the
 * eventfd.
 *
 * <p>Revocation: the attempt of a step runs inside the grant's step gate (see
 * {@link PipeEnd#enterTransfer}), which revocation waits for. A sleeping transfer cannot (a step
 * must not wait for other processes), so it counts itself among the sleepers inside its step and
 * leaves the step before it sleeps; revocation ({@link #revoke}) bars and closes the blocking
 * channel and then waits until no sleeper is left. A sleeper woken by that, or one that finds the
 * channel barred before it sleeps, has passed its check before the revocation: it makes one
 * attempt without waiting, as a step under way would, and nothing moves once revoke returns.
 */
final class FifoDescriptors {
    /** Longest sleep in {@code poll} before an interrupt is looked at. */
    static final int SLICE_MILLIS = 100;
    private static final int CLOSED = 1 << 30;

    private final AtomicInteger state = new AtomicInteger();
    private final int wakeFd;
    private final int fifoFd;
    private final boolean forWriting;
    private final short readyEvents;
    private final FifoChannel channel;
    private final FifoChannel sleeper;
    /** Transfers that passed their check and sleep, or are about to, on the blocking channel. */
    private final AtomicInteger sleepers = new AtomicInteger();
    /**
     * Whether a thread sleeps, or is about to, on the blocking channel: only one at a time may. A
     * second would wait for the JDK's lock of the channel, where neither an interrupt nor a revocation
     * reaches it; it waits by {@code poll} instead.
     */
    private final AtomicBoolean kernelSleeper = new AtomicBoolean();
    private final Memory pollFds = new Memory(FifoCalls.POLL_FDS_SIZE);
    private final AtomicBoolean pollFdsTaken = new AtomicBoolean();
    private volatile int watchFd = -1;

    /**
     * @param fifoFd     the FIFO's descriptor, opened non-blocking; this takes it over
     * @param forWriting whether it was opened for writing
     * @param what       the end, for messages
     * @throws IpcException IO_ERROR if no eventfd can be had or the JDK cannot take the
     *                      descriptor over (it is closed)
     */
    FifoDescriptors(int fifoFd, boolean forWriting, String what) {
        this.fifoFd = fifoFd;
        this.forWriting = forWriting;
        this.readyEvents = forWriting ? FifoCalls.POLLOUT : FifoCalls.POLLIN;
        this.wakeFd = FifoCalls.eventfd();
        if (wakeFd < 0) {
            FifoCalls.close(fifoFd);
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot make an eventfd: " + FifoCalls.strerror(-wakeFd));
        }
        this.channel = new FifoChannel(forWriting, () -> FifoCalls.duplicate(fifoFd));
        int mode = forWriting ? FifoCalls.O_WRONLY : FifoCalls.O_RDONLY;
        this.sleeper = new FifoChannel(forWriting, () -> FifoCalls.reopenBlocking(fifoFd, mode));
        if (!channel.start()) {
            closeAll();
            throw new IpcException(IpcError.IO_ERROR, what + ": cannot hand the FIFO to a JDK channel");
        }
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

    /** Closes the end: sleepers and pollers wake at once; the descriptors go with the last lease. */
    void close() {
        int s = state.getAndUpdate(v -> v | CLOSED);
        if ((s & CLOSED) != 0) {
            return;
        }
        FifoCalls.signal(wakeFd);
        sleeper.close();
        if (s == 0) {
            closeAll();
        }
    }

    private boolean closed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * The end's grant was revoked (no step is under way any more): wakes every sleeper and poller
     * at once, now and later (each then finds the grant revoked), and waits until the sleepers
     * that passed their check before the revocation have ended.
     */
    void revoke() {
        sleeper.close();
        boolean interrupted = false;
        long pauseNanos = 1_000;
        while (sleepers.get() != 0) {
            LockSupport.parkNanos(this, pauseNanos); // they are awake: pause 1 µs, doubling to 1 ms
            pauseNanos = Math.min(pauseNanos * 2, 1_000_000);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (acquire()) {
            try {
                FifoCalls.signal(wakeFd);
            } finally {
                release();
            }
        }
    }

    private void closeAll() {
        channel.close();
        sleeper.close();
        FifoCalls.close(fifoFd);
        FifoCalls.close(watchFd);
        FifoCalls.close(wakeFd);
    }

    /**
     * One attempt without waiting: reads at most {@code len} bytes into {@code array} at
     * {@code off} (or writes {@code len} bytes from it; a write of at most {@code PIPE_BUF} goes
     * whole or not at all), or into or from {@code buffer} at its position, advancing it, when
     * {@code array} is null. A thread that is interrupted makes it natively (a channel would close
     * itself); so does one whose channel cannot say why it failed, or was closed under it by
     * another thread's interrupt. Call under a lease.
     *
     * @return the count, 0 at end of file, or the negated errno ({@code EAGAIN}: nothing or no
     *         room now; {@code EPIPE}: no reader; {@code EINTR}: cut short by an interrupt)
     */
    int attempt(byte[] array, int off, ByteBuffer buffer, int len) {
        int n = Thread.currentThread().isInterrupted() ? FifoChannel.FAILED
                : channel.transfer(array, off, buffer, len);
        if (n != FifoChannel.FAILED && (n != -FifoCalls.EINTR || Thread.currentThread().isInterrupted())) {
            return n;
        }
        return forWriting ? FifoCalls.write(fifoFd, array, off, buffer, len)
                : FifoCalls.read(fifoFd, array, off, buffer, len);
    }

    /**
     * One step of a transfer of {@code end}: inside the grant's step gate (see
     * {@link PipeEnd#enterTransfer}), an attempt without waiting ({@link #attempt}); or, if
     * {@code sleep}, a transfer that sleeps in the kernel on the blocking descriptor until it can
     * move bytes, counted among the sleepers inside the step and made after it; one thread at a
     * time: while another sleeps there, an attempt without waiting. Call under a lease.
     *
     * @return as {@link #attempt}; a sleeping transfer also returns {@code -EINTR} when it was
     *         woken without moving a byte (the end closed, the grant was revoked, a thread of the
     *         end was interrupted), and {@link FifoChannel#FAILED} when it found no blocking
     *         descriptor or another thread asleep on it, and no byte could move: then wait by
     *         {@code poll}
     */
    int step(PipeEnd<?> end, boolean sleep, byte[] array, int off, ByteBuffer buffer, int len) {
        int token = end.enterTransfer();
        try {
            end.session.at(PipeHook.TRANSFER_GRANTED);
            if (!sleep || !kernelSleeper.compareAndSet(false, true)) {
                int n = attempt(array, off, buffer, len);
                return sleep && n == -FifoCalls.EAGAIN ? FifoChannel.FAILED : n;
            }
            sleepers.incrementAndGet();
        } finally {
            end.exitTransfer(token);
        }
        try {
            int n = Thread.currentThread().isInterrupted() ? -FifoCalls.EINTR
                    : sleeper.transfer(array, off, buffer, len);
            if (n != FifoChannel.FAILED && n != -FifoCalls.EINTR || closed() || Thread.currentThread().isInterrupted()) {
                return n;
            }
            // no blocking descriptor, or woken by a revocation: this transfer passed its check
            // before it, so it ends as a step under way would, with one attempt
            int tried = attempt(array, off, buffer, len);
            return tried != -FifoCalls.EAGAIN ? tried : n;
        } finally {
            sleepers.decrementAndGet();
            kernelSleeper.set(false);
        }
    }

    /** The FIFO's events now ({@code poll} without sleeping), 0 if none. Call under a lease. */
    int probe() {
        int r = poll(fifoFd, -1, 0);
        return r < 0 ? 0 : r;
    }

    /**
     * Idles as the wait's strategy says, probing the FIFO at each step and checking the end,
     * interruption and the deadline. Call under a lease.
     *
     * @return true when it is time to try again (the FIFO is ready, or the deadline passed);
     *         false once the budget is spent: sleep
     */
    boolean idleUntilReady(PipeWait wait, long deadline, PipeEnd<?> end) {
        while (wait.idle()) {
            end.checkAccess();
            if (Thread.interrupted()) {
                throw end.interrupted();
            }
            if (Deadlines.remaining(deadline) == 0 || probe() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The FIFO's descriptor. Call under a lease. */
    int fifo() {
        return fifoFd;
    }

    /** The capacity of the FIFO's buffer; the Linux default once the end is closed. */
    int capacity() {
        if (!acquire()) {
            return FifoCalls.defaultPipeSize();
        }
        try {
            return FifoCalls.pipeSize(fifoFd);
        } finally {
            release();
        }
    }

    /** Starts watching opens of the FIFO's file (once); without inotify waits go in slices. Call under a lease. */
    synchronized void watch(String path) {
        if (watchFd < 0) {
            watchFd = FifoCalls.watchOpens(path);
        }
    }

    /**
     * Sleeps in the kernel until the FIFO is ready (readable for a reader, writable for a writer,
     * or hung up), the end closes, or a slice of the {@code remainingNanos} passes. Call under a lease.
     *
     * @return the FIFO's events, 0 if none
     */
    int await(long remainingNanos) {
        int r = poll(fifoFd, wakeFd, slice(remainingNanos));
        return r < 0 ? 0 : r;
    }

    /**
     * Sleeps until the FIFO's file is opened by someone, the end closes, or a slice of the
     * {@code remainingNanos} passes; without a watch, just until one of the latter. Call under a lease.
     */
    void awaitOpen(long remainingNanos) {
        int w = watchFd;
        int r = FifoCalls.poll(w, FifoCalls.POLLIN, wakeFd, slice(remainingNanos));
        if (w >= 0 && r > 0) {
            FifoCalls.drain(w);
        }
    }

    private int poll(int fd, int wake, int millis) {
        if (!pollFdsTaken.compareAndSet(false, true)) {
            return FifoCalls.poll(fd, readyEvents, wake, millis);
        }
        try {
            return FifoCalls.poll(pollFds, fd, readyEvents, wake, millis);
        } finally {
            pollFdsTaken.set(false);
        }
    }

    /** The next sleep of a wait with {@code remainingNanos} left: rounded up to 1 ms, at most {@link #SLICE_MILLIS}. */
    static int slice(long remainingNanos) {
        long capped = Math.min(remainingNanos, SLICE_MILLIS * 1_000_000L); // first: no deadline is Long.MAX_VALUE
        return (int) Math.max(1, (capped + 999_999) / 1_000_000);
    }
}
