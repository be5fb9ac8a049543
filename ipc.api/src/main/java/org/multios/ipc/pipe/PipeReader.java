package org.multios.ipc.pipe;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.Waiting;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on the reading end of a pipe. Its {@link #type()} is {@link ObjectType#PIPE}; it
 * needs {@link Rights#READ}.
 *
 * <p><b>End of stream.</b> Reads return {@link #END_OF_STREAM} once the buffer is empty and no
 * writer is open. On an unnamed pipe this is final once its writer closed. On a named pipe,
 * reads wait (and {@link #tryRead} returns {@link #NOTHING_AVAILABLE}) until a writer has
 * opened it for the first time since this end was opened, so a reader may start before its
 * writers; after that, end of stream is reported whenever no writer is open, and data flows
 * again if a new writer opens (as with a FIFO).
 *
 * <p><b>Closing.</b> Closing this end wakes the threads waiting through it with
 * {@link IpcError#CLOSED}. When no reader of a pipe is left, its writers fail with
 * {@link IpcError#BROKEN_PIPE} and the bytes still buffered are discarded.
 */
@ProviderType
public interface PipeReader extends IpcObject, Waiting {

    /** What a read returns when every writer has closed and the buffer is empty. */
    int END_OF_STREAM = -1;

    /** What {@link #tryRead} returns when no byte is available now but the stream goes on. */
    int NOTHING_AVAILABLE = 0;

    /** The capacity of the pipe's buffer in bytes; for a named pipe the operating system's. */
    int bufferSize();

    /** The bytes that can be read now without waiting (a snapshot). */
    int available();

    /** Whether this end is non-blocking ({@link PipeFlag#NON_BLOCKING}). */
    boolean isNonBlocking();

    /**
     * Makes this end non-blocking or blocking, as {@code fcntl(F_SETFL, O_NONBLOCK)}; the other
     * end is not affected. Threads already waiting keep waiting.
     *
     * @throws IpcException CLOSED if this end is closed
     */
    void setNonBlocking(boolean nonBlocking);

    /**
     * Reads up to {@code len} bytes into {@code b} from {@code off}, waiting until at least one
     * is available or the stream ends. A read of 0 bytes returns 0 at once.
     *
     * @return the bytes read, 1 to {@code len}, or {@link #END_OF_STREAM}
     * @throws IpcException INVALID_ARGUMENT for a bad range; WOULD_BLOCK if nothing is available
     *                      and this end is non-blocking; PERMISSION_DENIED without
     *                      {@link Rights#READ}; CLOSED if this end or the mechanism closed;
     *                      INTERRUPTED if interrupted while waiting (nothing was read)
     */
    int read(byte[] b, int off, int len);

    /**
     * Reads the bytes available now, up to {@code len}; never waits.
     *
     * @return the bytes read, {@link #NOTHING_AVAILABLE} if none is available yet, or
     *         {@link #END_OF_STREAM}
     * @throws IpcException as {@link #read(byte[], int, int)}, except WOULD_BLOCK and INTERRUPTED
     */
    int tryRead(byte[] b, int off, int len);

    /**
     * Reads up to {@code len} bytes, waiting at most {@code timeout} for the first.
     *
     * @return the bytes read, 1 to {@code len}, or {@link #END_OF_STREAM}
     * @throws IpcException INVALID_ARGUMENT for a null or negative timeout (nothing moves);
     *                      TIMEOUT if no byte arrived and the stream did not end in time;
     *                      otherwise as {@link #read(byte[], int, int)}
     */
    int read(byte[] b, int off, int len, Duration timeout);

    /**
     * Reads into {@code dst} at its position, up to its remaining space, waiting until at least
     * one byte is available or the stream ends. The position advances by the bytes read.
     *
     * @return the bytes read, or {@link #END_OF_STREAM}
     * @throws IpcException INVALID_ARGUMENT if {@code dst} is read-only; otherwise as
     *                      {@link #read(byte[], int, int)}
     */
    int read(ByteBuffer dst);

    /**
     * Reads into {@code dst} the bytes available now; never waits.
     *
     * @return the bytes read, {@link #NOTHING_AVAILABLE} or {@link #END_OF_STREAM}
     * @throws IpcException as {@link #read(ByteBuffer)}, except WOULD_BLOCK and INTERRUPTED
     */
    int tryRead(ByteBuffer dst);

    /**
     * Reads into {@code dst}, waiting at most {@code timeout} for the first byte.
     *
     * @return the bytes read, or {@link #END_OF_STREAM}
     * @throws IpcException INVALID_ARGUMENT for a null or negative timeout (nothing moves);
     *                      TIMEOUT if no byte arrived and the stream did not end in time;
     *                      otherwise as {@link #read(ByteBuffer)}
     */
    int read(ByteBuffer dst, Duration timeout);

    /**
     * This end as an {@link InputStream}: its reads are blocking {@link #read(byte[], int, int)}
     * calls, returning -1 at end of stream; {@code available()} is {@link #available()};
     * {@code close()} closes this end. An {@link IpcException} is thrown as an
     * {@link java.io.IOException} with it as cause, INTERRUPTED as an
     * {@link java.io.InterruptedIOException} (the interrupt flag stays set). The stream is not
     * buffered.
     */
    InputStream asInputStream();
}
