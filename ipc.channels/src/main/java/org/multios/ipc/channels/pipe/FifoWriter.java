package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.Grant;

/**
 * The writing end of a named pipe. Opening a FIFO for writing without a reader fails
 * ({@code ENXIO}) or blocks, so the end opens it non-blocking as soon as a reader is there: at
 * once if one is, else at the first write, which waits for a reader. That wait sleeps in
 * {@code poll} on an inotify watch of the file's opens (readers that open non-blocking, as this
 * platform's do, wake it at once) and retries in slices (readers that block in {@code open},
 * such as a shell's {@code cat}, are found at the next slice). Once open, writes wait in
 * {@code poll} for room; {@code EPIPE} is BROKEN_PIPE.
 */
final class FifoWriter extends WriterEnd {
    private final FifoDescriptors fds;
    private final String path;

    FifoWriter(PipeSession session, NamedPipe pipe, Grant grant, boolean nonBlocking, int fd) {
        super(session, pipe, grant, nonBlocking);
        this.path = pipe.path();
        this.fds = new FifoDescriptors(fd, describe());
        if (fd < 0 && fds.acquire()) {
            try {
                fds.watch(path);
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
            boolean waited = false;
            while (true) {
                checkOpen();
                int fd = fds.fifo() >= 0 ? fds.fifo() : openForWriting();
                short awaited = FifoCalls.POLLOUT;
                if (fd >= 0) {
                    int n = FifoCalls.write(fd, array, array == null ? 0 : off + written, buffer, len - written);
                    if (n > 0) {
                        written += n;
                        counters.add(Counter.BYTES_IN, n);
                        if (written == len) {
                            return written;
                        }
                        continue;
                    }
                    if (n == -FifoCalls.EPIPE) {
                        if (partial && written > 0) {
                            return written;
                        }
                        throw brokenPipe();
                    }
                    if (n != -FifoCalls.EAGAIN && n != -FifoCalls.EINTR && n != 0) {
                        throw failed(IpcError.IO_ERROR, "write to " + describe() + ": " + FifoCalls.strerror(-n));
                    }
                } else {
                    awaited = 0;
                }
                long remaining = Deadlines.remaining(deadline);
                if (remaining == 0) {
                    return written;
                }
                if (Thread.interrupted()) {
                    throw IpcException.interrupted("write", describe());
                }
                if (!waited) {
                    waited = true;
                    counters.increment(Counter.WAITS);
                }
                if (awaited != 0) {
                    fds.await(awaited, FifoReader.slice(remaining));
                } else {
                    fds.awaitOpen(FifoReader.slice(remaining));
                }
            }
        } finally {
            fds.release();
        }
    }

    /** Opens the FIFO if a reader is there now: the descriptor, or -1 if there is no reader yet. */
    private int openForWriting() {
        int fd = FifoCalls.open(path, FifoCalls.O_WRONLY);
        if (fd == -FifoCalls.ENXIO) {
            return -1;
        }
        if (fd < 0) {
            throw failed(fd == -FifoCalls.ENOENT ? IpcError.NOT_FOUND : IpcError.IO_ERROR,
                    "open " + describe() + " at " + path + ": " + FifoCalls.strerror(-fd));
        }
        return fds.attach(fd);
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
    void closing() {
        fds.close();
    }
}
