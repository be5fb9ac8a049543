package org.multios.ipc.pipe;

import java.io.OutputStream;
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
 * A handle on the writing end of a pipe. Its {@link #type()} is {@link ObjectType#PIPE}; it
 * needs {@link Rights#WRITE}. Bytes are readable as soon as a write returns; there is nothing
 * to flush.
 *
 * <p><b>Atomic writes.</b> A write of at most {@link #atomicWriteSize()} bytes is never
 * interleaved with other writers' bytes and is done whole or not at all (POSIX
 * {@code PIPE_BUF}); longer writes may be split and interleaved.
 *
 * <p><b>Broken pipe.</b> Writing when no reader is open fails with
 * {@link IpcError#BROKEN_PIPE}; bytes written before stay in the pipe until the last reader
 * has gone. On a named pipe, writes wait (and {@link #tryWrite} returns 0) until a reader has
 * opened it for the first time since this end was opened, so a writer may start before its
 * readers; after that, BROKEN_PIPE is reported whenever no reader is open.
 *
 * <p><b>Partial writes.</b> The {@code int} forms return how much they wrote. The
 * {@code ByteBuffer} forms advance the position by what was written, also when they fail, so
 * that count is never lost; after a failed {@code void write(byte[], ...)} the part already
 * written stays in the pipe but its size is not reported.
 *
 * <p><b>Closing.</b> Closing this end wakes the threads waiting through it with
 * {@link IpcError#CLOSED}. When no writer of a pipe is left, its readers drain the buffer and
 * then see end of stream.
 */
@ProviderType
public interface PipeWriter extends IpcObject, Waiting {

    /** The capacity of the pipe's buffer in bytes; for a named pipe the operating system's. */
    int bufferSize();

    /** The largest write that is atomic: at most {@link #bufferSize()}. */
    int atomicWriteSize();

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
     * Writes all {@code len} bytes of {@code b} from {@code off}, waiting for room as often as
     * needed. If this end is non-blocking it writes what fits at once and fails with
     * WOULD_BLOCK if that is not everything (use {@link #tryWrite} to learn how much was
     * written).
     *
     * @throws IpcException INVALID_ARGUMENT for a bad range; BROKEN_PIPE if no reader is open;
     *                      WOULD_BLOCK as above; PERMISSION_DENIED without {@link Rights#WRITE};
     *                      CLOSED if this end or the mechanism closed; INTERRUPTED if
     *                      interrupted while waiting
     */
    void write(byte[] b, int off, int len);

    /**
     * Writes as many of the {@code len} bytes as fit now; never waits. A write of at most
     * {@link #atomicWriteSize()} bytes writes all or nothing.
     *
     * @return the bytes written, 0 to {@code len}; 0 if the buffer is full
     * @throws IpcException as {@link #write(byte[], int, int)}, except WOULD_BLOCK and INTERRUPTED
     */
    int tryWrite(byte[] b, int off, int len);

    /**
     * Writes the {@code len} bytes, waiting for room until the timeout passes.
     *
     * @return the bytes written: {@code len}, or fewer if the timeout passed after part was
     *         written
     * @throws IpcException INVALID_ARGUMENT for a null or negative timeout (nothing moves);
     *                      TIMEOUT if no byte could be written in time; otherwise as
     *                      {@link #write(byte[], int, int)}
     */
    int write(byte[] b, int off, int len, Duration timeout);

    /**
     * Writes all remaining bytes of {@code src}, waiting for room as often as needed. The
     * position advances by the bytes written, also if the write fails part way.
     *
     * @throws IpcException as {@link #write(byte[], int, int)}
     */
    void write(ByteBuffer src);

    /**
     * Writes as many remaining bytes of {@code src} as fit now; never waits. The position
     * advances by the bytes written.
     *
     * @return the bytes written, 0 if the buffer is full
     * @throws IpcException as {@link #tryWrite(byte[], int, int)}
     */
    int tryWrite(ByteBuffer src);

    /**
     * Writes the remaining bytes of {@code src}, waiting for room until the timeout passes. The
     * position advances by the bytes written.
     *
     * @return the bytes written
     * @throws IpcException INVALID_ARGUMENT for a null or negative timeout (nothing moves);
     *                      TIMEOUT if no byte could be written in time; otherwise as
     *                      {@link #write(ByteBuffer)}
     */
    int write(ByteBuffer src, Duration timeout);

    /**
     * This end as an {@link OutputStream}: its writes are blocking
     * {@link #write(byte[], int, int)} calls; {@code flush()} does nothing; {@code close()}
     * closes this end. An {@link IpcException} is thrown as an {@link java.io.IOException} with
     * it as cause, INTERRUPTED as an {@link java.io.InterruptedIOException} (the interrupt flag
     * stays set). The stream is not buffered.
     */
    OutputStream asOutputStream();
}
