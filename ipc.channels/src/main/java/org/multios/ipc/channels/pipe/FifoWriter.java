package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.posix.FifoCalls;
import org.multios.ipc.spi.Grant;

/**
 * The writing end of a named pipe, attached to the FIFO from its open on (see
 * {@link FifoOpener}): readers never see the end of the stream while it is open. Writes go
 * through a JDK stream ({@link FifoStreams#write}). Until a reader has been seen, a write that
 * finds none ({@code EPIPE}) waits for one: it sleeps in {@code poll} on an inotify watch of the
 * file's opens (readers that open non-blocking, as this platform's do, wake it at once) and
 * retries in slices (readers that block in {@code open}, such as a shell's {@code cat}, are
 * found at the next slice); that wait sleeps whatever the strategy. Once a reader has been seen, a write that
 * finds no room waits as the end's wait strategy says ({@link PipeWait}: probes while its budget
 * lasts, then sleeps in {@code poll} for room), and {@code EPIPE} is BROKEN_PIPE. Each write is
 * a step with its grant check (see {@link FifoDescriptors#beginStep}).
 */
final class FifoWriter extends WriterEnd {
    private final FifoDescriptors fds;
    private volatile boolean readerSeen;

    FifoWriter(PipeSession session, NamedPipe pipe, Grant grant, boolean nonBlocking, FifoOpener.Opened opened) {
        super(session, pipe, grant, nonBlocking);
        this.fds = new FifoDescriptors(opened.fd(), true, describe());
        this.readerSeen = opened.readerSeen();
        if (!readerSeen && fds.acquire()) {
            try {
                fds.watch(pipe.path());
            } finally {
                fds.release();
            }
        }
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline, boolean partial) {
        if (!fds.acquire()) {
            throw IpcException.closed(describe());
        }
        try {
            int written = 0;
            PipeWait wait = null;
            while (true) {
                int n;
                fds.beginStep();
                try {
                    checkWritable();
                    session.at(PipeHook.TRANSFER_GRANTED);
                    n = attempt(array, array == null ? 0 : off + written, buffer, len - written);
                } finally {
                    fds.endStep();
                }
                boolean noReaderYet = false;
                if (n > 0) {
                    readerSeen = true;
                    written += n;
                    counters.add(Counter.BYTES_IN, n);
                    if (written == len) {
                        if (wait != null) {
                            wait.done();
                        }
                        return written;
                    }
                    continue;
                } else if (n == -FifoCalls.EPIPE) {
                    if (readerSeen) {
                        if (partial && written > 0) {
                            return written;
                        }
                        throw brokenPipe();
                    }
                    noReaderYet = true;
                } else if (n == -FifoCalls.EAGAIN) {
                    readerSeen = true;
                } else if (n != -FifoCalls.EINTR && n != 0) {
                    throw failed(IpcError.IO_ERROR, "write to " + describe() + ": " + FifoCalls.strerror(-n));
                }
                long remaining = Deadlines.remaining(deadline);
                if (remaining == 0) {
                    return written;
                }
                if (Thread.interrupted()) {
                    throw IpcException.interrupted("write", describe());
                }
                if (wait == null) {
                    wait = startWait();
                }
                if (noReaderYet) {
                    fds.awaitOpen(FifoReader.slice(remaining));
                } else if (!idleUntilWritable(wait, deadline)) {
                    fds.await(FifoCalls.POLLOUT, FifoReader.slice(remaining));
                }
            }
        } finally {
            fds.release();
        }
    }

    /** One attempt without waiting (see {@link FifoDescriptors#write}): the count or the negated errno. */
    private int attempt(byte[] array, int off, ByteBuffer buffer, int len) {
        if (array != null) {
            return fds.write(array, off, len);
        }
        if (!buffer.hasArray()) {
            return FifoCalls.write(fds.fifo(), null, 0, buffer, len);
        }
        int n = fds.write(buffer.array(), buffer.arrayOffset() + buffer.position(), len);
        if (n > 0) {
            buffer.position(buffer.position() + n);
        }
        return n;
    }

    /**
     * Idles as the wait's strategy says, probing the FIFO for room at each step and checking the
     * end, interruption and the deadline.
     *
     * @return true when it is time to try again (room, an error such as no reader, or the deadline
     *         passed); false once the budget is spent: sleep
     */
    private boolean idleUntilWritable(PipeWait wait, long deadline) {
        while (wait.idle()) {
            checkWritable();
            if (Thread.interrupted()) {
                throw IpcException.interrupted("write", describe());
            }
            if (Deadlines.remaining(deadline) == 0 || fds.ready(FifoCalls.POLLOUT)) {
                return true;
            }
        }
        return false;
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
    public int atomicWriteSize() {
        return FifoCalls.PIPE_BUF;
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
