package org.multios.ipc.channels.pipe;

import java.nio.ByteBuffer;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.posix.FifoCalls;

/**
 * The reading end of a named pipe: the FIFO opened non-blocking at once (which never waits
 * for a writer), read through JDK channels ({@link FifoDescriptors}). Once a writer has been
 * seen, a blocking read whose wait sleeps at once ({@code BLOCK}, {@code ADAPTIVE}) sleeps in the
 * kernel's {@code read}; any other read that finds nothing waits as the end's wait strategy says
 * ({@link PipeWait}): it probes the FIFO with a non-sleeping {@code poll} while its budget lasts,
 * then sleeps in {@code poll} for bytes or a hang-up. Closing, revocation and interrupts wake
 * either at once. End of stream is reported only once a writer has been seen: by bytes, by
 * "would block" (a writer is open) or by a hang-up (a writer came and went; Linux reports it only
 * for writers since this end was opened).
 */
final class FifoReader extends ReaderEnd<NamedPipe> {
    private final FifoDescriptors fds;
    private volatile boolean writerSeen;

    FifoReader(PipeSession session, NamedPipe pipe, FifoOpener.Opened opened, boolean nonBlocking) {
        super(session, pipe, opened.grant(), nonBlocking);
        this.fds = new FifoDescriptors(opened.fd(), false, describe());
    }

    @Override
    int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline) {
        if (!fds.acquire()) {
            throw IpcException.closed(describe());
        }
        try {
            PipeWait wait = null;
            boolean maySleep = deadline == Deadlines.NO_DEADLINE && sleepsAtOnce();
            while (true) {
                boolean sleep = maySleep && writerSeen;
                int n = fds.step(this, sleep, array, off, buffer, len);
                if (n > 0) {
                    writerSeen = true;
                    counters.add(Counter.BYTES_OUT, n);
                    if (wait != null) {
                        wait.done();
                    }
                    return n;
                }
                if (n == 0 && !writerSeen) {
                    if ((fds.probe() & (FifoCalls.POLLIN | FifoCalls.POLLHUP)) != 0) {
                        // a writer came (and went): read what it left, then the end
                        writerSeen = true;
                        continue;
                    }
                } else if (n == 0) {
                    return END_OF_STREAM;
                } else if (n == -FifoCalls.EAGAIN) {
                    writerSeen = true;
                } else if (n != -FifoCalls.EINTR && n != FifoChannel.FAILED) {
                    throw failed(IpcError.IO_ERROR, "read from " + describe() + ": " + FifoCalls.strerror(-n));
                }
                long remaining = Deadlines.remaining(deadline);
                if (remaining == 0) {
                    return 0;
                }
                if (Thread.interrupted()) {
                    throw interrupted();
                }
                if (sleep && n != FifoChannel.FAILED) {
                    continue; // woken by a closing, a revocation or another thread's interrupt: the next step tells
                }
                if (wait == null) {
                    wait = startWait();
                }
                if (!sleep && maySleep && writerSeen) {
                    continue; // a writer is known now: sleep in read
                }
                if (!fds.idleUntilReady(wait, deadline, this) && (fds.await(remaining) & FifoCalls.POLLHUP) != 0) {
                    writerSeen = true;
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
    public int available() {
        checkAccess();
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
