package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The writing end of a named pipe, attached to the FIFO from its open on (see
 * {@link FifoOpener}): readers never see the end of the stream while it is open. Writes go
 * through JDK channels ({@link FifoDescriptors}). Until a reader has been seen, a write that
 * finds none ({@code EPIPE}) waits for one: it sleeps in {@code poll} on an inotify watch of the
 * file's opens (readers that open non-blocking, as this platform's do, wake it at once) and
 * retries in slices (readers that block in {@code open}, such as a shell's {@code cat}, are
 * found at the next slice); that wait sleeps whatever the strategy. Once a reader has been seen,
 * a blocking write whose wait sleeps at once ({@code BLOCK}, {@code ADAPTIVE}) sleeps in the
 * kernel's {@code write}; any other write that finds no room waits as the end's wait strategy
 * says ({@link PipeWait}: probes while its budget lasts, then sleeps in {@code poll} for room);
 * and {@code EPIPE} is BROKEN_PIPE.
 */
final class FifoWriter extends WriterEnd<NamedPipe> {
    private final FifoDescriptors fds;
    private volatile boolean readerSeen;

    FifoWriter(PipeSession session, NamedPipe pipe, FifoOpener.Opened opened, boolean nonBlocking) {
        super(session, pipe, opened.grant(), nonBlocking);
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
            boolean maySleep = deadline == Deadlines.NO_DEADLINE && sleepsAtOnce();
            while (true) {
                boolean sleep = maySleep && readerSeen;
                int n = fds.step(this, sleep, array, array == null ? 0 : off + written, buffer, len - written);
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
                } else if (n != -FifoCalls.EINTR && n != FifoChannel.FAILED && n != 0) {
                    throw failed(IpcError.IO_ERROR, "write to " + describe() + ": " + FifoCalls.strerror(-n));
                }
                long remaining = Deadlines.remaining(deadline);
                if (remaining == 0) {
                    return written;
                }
                if (Thread.interrupted()) {
                    throw interrupted();
                }
                if (sleep && n != FifoChannel.FAILED && !noReaderYet) {
                    continue; // woken by a closing, a revocation or another thread's interrupt: the next step tells
                }
                if (wait == null) {
                    wait = startWait();
                }
                if (!sleep && maySleep && readerSeen) {
                    continue; // a reader is known now: sleep in write
                }
                if (noReaderYet) {
                    fds.awaitOpen(remaining);
                } else if (!fds.idleUntilReady(wait, deadline, this)) {
                    fds.await(remaining);
                }
            }
        } finally {
            fds.release();
        }
    }

    @Override
    boolean probesAreSystemCalls() {
        return true;
    }

    @Override
    public int bufferSize() {
        return fds.capacity();
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
