package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.posix.FifoCalls;
import org.multios.ipc.spi.Grant;

/**
 * The reading end of a named pipe: the FIFO opened non-blocking at once (which never waits
 * for a writer), read through a JDK stream ({@link FifoDescriptors}). A read that finds nothing
 * waits as the end's wait strategy says ({@link PipeWait}): it probes the FIFO with a
 * non-sleeping {@code poll} while its budget lasts, then sleeps in {@code poll} for bytes or a
 * hang-up, in slices so that interrupts are noticed; closing wakes it at once. End of stream is
 * reported only once a writer has been seen: by bytes, by "would block" (a writer is open) or
 * by a hang-up (a writer came and went; Linux reports it only for writers since this end was
 * opened).
 */
final class FifoReader extends ReaderEnd {
    /** Longest sleep before an interrupt is looked at. */
    static final int SLICE_MILLIS = 100;

    private final FifoDescriptors fds;
    private volatile boolean writerSeen;

    FifoReader(PipeSession session, NamedPipe pipe, Grant grant, boolean nonBlocking, int fd) {
        super(session, pipe, grant, nonBlocking);
        this.fds = new FifoDescriptors(fd, false, describe());
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline) {
        if (!fds.acquire()) {
            throw IpcException.closed(describe());
        }
        try {
            PipeWait wait = null;
            while (true) {
                int n;
                fds.beginStep();
                try {
                    checkReadable();
                    session.at(PipeHook.TRANSFER_GRANTED);
                    n = attempt(array, off, buffer, len);
                } finally {
                    fds.endStep();
                }
                if (n > 0) {
                    writerSeen = true;
                    counters.add(Counter.BYTES_OUT, n);
                    if (wait != null) {
                        wait.done();
                    }
                    return n;
                }
                if (n == 0 && !writerSeen) {
                    int events = FifoCalls.poll(fds.fifo(), FifoCalls.POLLIN, -1, 0);
                    if (events > 0 && (events & (FifoCalls.POLLIN | FifoCalls.POLLHUP)) != 0) {
                        // a writer came (and went): read what it left, then the end
                        writerSeen = true;
                        continue;
                    }
                }
                if (n == 0 && writerSeen) {
                    return END_OF_STREAM;
                }
                if (n == -FifoCalls.EAGAIN) {
                    writerSeen = true;
                } else if (n < 0 && n != -FifoCalls.EINTR) {
                    throw failed(IpcError.IO_ERROR, "read from " + describe() + ": " + FifoCalls.strerror(-n));
                }
                long remaining = Deadlines.remaining(deadline);
                if (remaining == 0) {
                    return 0;
                }
                if (Thread.interrupted()) {
                    throw IpcException.interrupted("read", describe());
                }
                if (wait == null) {
                    wait = startWait();
                }
                if (!idleUntilReadable(wait, deadline)) {
                    int events = fds.await(FifoCalls.POLLIN, slice(remaining));
                    if ((events & FifoCalls.POLLHUP) != 0) {
                        writerSeen = true;
                    }
                }
            }
        } finally {
            fds.release();
        }
    }

    /** One attempt without waiting: the count, 0 at end of file, or the negated errno. */
    private int attempt(byte[] array, int off, ByteBuffer buffer, int len) {
        if (array != null) {
            return fds.read(array, off, len);
        }
        if (!buffer.hasArray()) {
            return FifoCalls.read(fds.fifo(), null, 0, buffer, len);
        }
        int n = fds.read(buffer.array(), buffer.arrayOffset() + buffer.position(), len);
        if (n > 0) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }

    /**
     * Idles as the wait's strategy says, probing the FIFO at each step and checking the end,
     * interruption and the deadline.
     *
     * @return true when it is time to try again (the FIFO has bytes or a hang-up, or the deadline
     *         passed); false once the budget is spent: sleep
     */
    private boolean idleUntilReadable(PipeWait wait, long deadline) {
        while (wait.idle()) {
            checkReadable();
            if (Thread.interrupted()) {
                throw IpcException.interrupted("read", describe());
            }
            if (Deadlines.remaining(deadline) == 0 || fds.ready(FifoCalls.POLLIN)) {
                return true;
            }
        }
        return false;
    }

    static int slice(long remainingNanos) {
        return (int) Math.max(1, Math.min(SLICE_MILLIS, (remainingNanos + 999_999) / 1_000_000));
    }

    @Override
    boolean probesAreSystemCalls() {
        return true;
    }

    @Override
    public int bufferSize() {
        if (!fds.acquire()) {
            return FifoCalls.DEFAULT_PIPE_SIZE;
        }
        try {
            return FifoCalls.pipeSize(fds.fifo());
        } finally {
            fds.release();
        }
    }

    @Override
    public int available() {
        checkReadable();
        if (!fds.acquire()) {
            throw IpcException.closed(describe());
        }
        try {
            return FifoCalls.available(fds.fifo());
        } finally {
            fds.release();
        }
    }

    @Override
    void revoked() {
        fds.revoke();
    }

    @Override
    void closing() {
        fds.close();
    }
}
