package org.multios.ipc.channels.pipe;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.pipe.PipeWriter;
import org.multios.ipc.spi.Grant;

/**
 * The three forms of every write (blocking, non-blocking, timed) over one transfer that the
 * unnamed and the named writer implement.
 */
abstract class WriterEnd<P extends PipeTarget> extends PipeEnd<P> implements PipeWriter {
    WriterEnd(PipeSession session, P pipe, Grant grant, boolean nonBlocking) {
        super(session, pipe, grant, false, nonBlocking);
    }

    /**
     * Writes {@code len > 0} bytes from {@code array} at {@code off}, or from {@code buffer}
     * (advancing it) when {@code array} is null, waiting for room until the deadline. A write
     * of at most {@link #atomicWriteSize()} bytes goes whole or not at all.
     *
     * @param partial whether a write cut short by a vanished reader returns its count rather
     *                than fail; it fails with BROKEN_PIPE when nothing was written
     * @return the bytes written, fewer than {@code len} if the deadline passed
     * @throws IpcException BROKEN_PIPE, CLOSED, INTERRUPTED, or PERMISSION_DENIED once the grant is
     *                     revoked (bytes written before stay written)
     */
    abstract int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline, boolean partial);

    IpcException brokenPipe() {
        return failed(IpcError.BROKEN_PIPE, "write to " + describe() + ": no reader is open");
    }


    @Override
    public void write(byte[] b, int off, int len) {
        checkRange(b, off, len);
        writeAll(b, off, null, len);
    }

    @Override
    public int tryWrite(byte[] b, int off, int len) {
        checkRange(b, off, len);
        return attempt(b, off, null, len);
    }

    @Override
    public int write(byte[] b, int off, int len, Duration timeout) {
        checkRange(b, off, len);
        return timed(b, off, null, len, timeout);
    }

    @Override
    public void write(ByteBuffer src) {
        checkBuffer(src, false);
        writeAll(null, 0, src, src.remaining());
    }

    @Override
    public int tryWrite(ByteBuffer src) {
        checkBuffer(src, false);
        return attempt(null, 0, src, src.remaining());
    }

    @Override
    public int write(ByteBuffer src, Duration timeout) {
        checkBuffer(src, false);
        return timed(null, 0, src, src.remaining(), timeout);
    }

    private void writeAll(byte[] array, int off, ByteBuffer buffer, int len) {
        checkAccess();
        if (len == 0) {
            return;
        }
        if (isNonBlocking()) {
            int n = transfer(array, off, buffer, len, Deadlines.NOW, false);
            if (n < len) {
                throw wouldBlock(n, len);
            }
            return;
        }
        transfer(array, off, buffer, len, Deadlines.NO_DEADLINE, false);
    }

    private int attempt(byte[] array, int off, ByteBuffer buffer, int len) {
        checkAccess();
        return len == 0 ? 0 : transfer(array, off, buffer, len, Deadlines.NOW, true);
    }

    private int timed(byte[] array, int off, ByteBuffer buffer, int len, Duration timeout) {
        long deadline = Deadlines.of(timeout, describe());
        checkAccess();
        if (len == 0) {
            return 0;
        }
        if (isNonBlocking()) {
            int n = transfer(array, off, buffer, len, Deadlines.NOW, true);
            if (n == 0) {
                throw wouldBlock(0, len);
            }
            return n;
        }
        int n = transfer(array, off, buffer, len, deadline, true);
        if (n == 0) {
            counters.increment(Counter.TIMEOUTS);
            throw IpcException.timeout("write of " + len + " bytes (" + timeout + ")", describe());
        }
        return n;
    }

    private IpcException wouldBlock(int written, int len) {
        return new IpcException(IpcError.WOULD_BLOCK, describe() + " is non-blocking and only " + written + " of "
                + len + " bytes fit now (buffer " + bufferSize() + " bytes)");
    }

    @Override
    public OutputStream asOutputStream() {
        return new EndStreams.Output(this);
    }
}
