package org.multios.ipc.channels.pipe;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.pipe.PipeReader;
import org.multios.ipc.spi.Grant;

/**
 * The three forms of every read (blocking, non-blocking, timed) over one transfer that the
 * unnamed and the named reader implement.
 */
abstract class ReaderEnd<P extends PipeTarget> extends PipeEnd<P> implements PipeReader {
    ReaderEnd(PipeSession session, P pipe, Grant grant, boolean nonBlocking) {
        super(session, pipe, grant, true, nonBlocking);
    }

    /**
     * Reads up to {@code len > 0} bytes into {@code array} at {@code off}, or into {@code buffer}
     * (advancing it) when {@code array} is null, waiting until the deadline for the first.
     *
     * @return the bytes read, {@link #END_OF_STREAM}, or 0 if none came by the deadline
     * @throws IpcException CLOSED, INTERRUPTED, or PERMISSION_DENIED once the grant is revoked
     */
    abstract int transfer(byte[] array, int off, ByteBuffer buffer, int len, long deadline);


    @Override
    public int read(byte[] b, int off, int len) {
        checkRange(b, off, len);
        return blocking(b, off, null, len);
    }

    @Override
    public int tryRead(byte[] b, int off, int len) {
        checkRange(b, off, len);
        return attempt(b, off, null, len);
    }

    @Override
    public int read(byte[] b, int off, int len, Duration timeout) {
        checkRange(b, off, len);
        return timed(b, off, null, len, timeout);
    }

    @Override
    public int read(ByteBuffer dst) {
        checkBuffer(dst, true);
        return blocking(null, 0, dst, dst.remaining());
    }

    @Override
    public int tryRead(ByteBuffer dst) {
        checkBuffer(dst, true);
        return attempt(null, 0, dst, dst.remaining());
    }

    @Override
    public int read(ByteBuffer dst, Duration timeout) {
        checkBuffer(dst, true);
        return timed(null, 0, dst, dst.remaining(), timeout);
    }

    private int blocking(byte[] array, int off, ByteBuffer buffer, int len) {
        checkAccess();
        if (len == 0) {
            return 0;
        }
        if (isNonBlocking()) {
            return orWouldBlock(transfer(array, off, buffer, len, Deadlines.NOW));
        }
        return transfer(array, off, buffer, len, Deadlines.NO_DEADLINE);
    }

    private int attempt(byte[] array, int off, ByteBuffer buffer, int len) {
        checkAccess();
        if (len == 0) {
            return 0;
        }
        int n = transfer(array, off, buffer, len, Deadlines.NOW);
        return n == 0 ? NOTHING_AVAILABLE : n;
    }

    private int timed(byte[] array, int off, ByteBuffer buffer, int len, Duration timeout) {
        long deadline = Deadlines.of(timeout, describe());
        checkAccess();
        if (len == 0) {
            return 0;
        }
        if (isNonBlocking()) {
            return orWouldBlock(transfer(array, off, buffer, len, Deadlines.NOW));
        }
        int n = transfer(array, off, buffer, len, deadline);
        if (n == 0) {
            counters.increment(Counter.TIMEOUTS);
            throw IpcException.timeout("read (" + timeout + ")", describe());
        }
        return n;
    }

    private int orWouldBlock(int n) {
        if (n == 0) {
            throw new IpcException(IpcError.WOULD_BLOCK, describe() + " is non-blocking and holds no byte now");
        }
        return n;
    }

    @Override
    public InputStream asInputStream() {
        return new EndStreams.Input(this);
    }
}
