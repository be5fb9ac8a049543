package org.multios.ipc.net;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.IpcObject;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.MessageInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A message-oriented connection over TCP or a Unix socket
 * ({@link org.multios.ipc.ObjectType#ENDPOINT}). Each frame carries a
 * {@link FrameType type}, a {@link org.multios.ipc.Priority priority} and a payload of 0 to
 * {@link #maxFrameSize()} bytes; frames are never split or merged. Thread-safe: several
 * threads may send and receive at once, each frame whole.
 *
 * <p><b>Order.</b> Frames of one priority arrive in the order sent. Frames still buffered at
 * the sender or the receiver are taken highest priority first, so a frame of higher priority
 * may overtake frames of lower priority that have not been sent on the wire or not been
 * received yet.
 *
 * <p><b>Flow control.</b> Each direction buffers at most the connection's buffer bytes; a
 * send waits while the frame does not fit.
 *
 * <p><b>Receiving.</b> The receive methods return the frame's type and fill the
 * {@link MessageInfo} (required) with its length, priority and the {@link #peer()}'s identity.
 * If the frame is longer than the space offered, they fail with MESSAGE_TOO_LARGE, fill the
 * info with the frame's length and priority, and leave the frame to be received again with a
 * larger buffer.
 *
 * <p><b>End.</b> When the peer closes (or the connection drops, or the idle timeout passes),
 * frames already received can still be taken; then receives fail with CLOSED and sends with
 * BROKEN_PIPE. {@link #close()} ends the connection for both sides and wakes this side's
 * waiters with CLOSED. Sending needs {@link org.multios.ipc.Rights#WRITE}, receiving
 * {@link org.multios.ipc.Rights#READ}.
 */
@ProviderType
public interface Connection extends IpcObject {
    /** What {@code tryReceive} returns when no frame is waiting. */
    int NO_FRAME = -1;

    /** This side's address (for TCP, the local address and port the socket got). */
    Endpoint localEndpoint();

    /** The other side's address (for Unix sockets, the listener's endpoint). */
    Endpoint remoteEndpoint();

    /**
     * Who is on the other side: on a Unix socket the OS process the kernel reports
     * ({@code SO_PEERCRED}); on TCP the {@link org.multios.ipc.ProcessKind#REMOTE remote}
     * peer as authenticated (for an accepted connection), or the listener's process as it
     * declared itself in the handshake (for an outgoing connection).
     */
    IpcProcess peer();

    /** Whether the peer presented a token the policy accepted (always true on Unix sockets). */
    boolean isAuthenticated();

    /** The largest payload of a frame on this connection, agreed in the handshake. */
    int maxFrameSize();

    /**
     * Whether frames can still be sent: false once either side closed or the connection
     * dropped.
     */
    boolean isConnected();

    // ---------------------------------------------------------------- sending

    /**
     * Sends {@code len} bytes of {@code b} from {@code off} as one frame, waiting while the
     * send buffer cannot hold it.
     *
     * @param type     {@value FrameType#MIN} to {@value FrameType#MAX}
     * @param priority {@value org.multios.ipc.Priority#MIN} to {@value org.multios.ipc.Priority#MAX}
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad range, type or priority;
     *         MESSAGE_TOO_LARGE if {@code len} exceeds {@link #maxFrameSize()}; BROKEN_PIPE if
     *         the peer has closed or the connection dropped; CLOSED if this handle is or gets
     *         closed; INTERRUPTED; PERMISSION_DENIED without write right. Nothing is sent on
     *         failure.
     */
    void send(int type, byte[] b, int off, int len, int priority);

    /**
     * Sends one frame if the send buffer can hold it now; never waits.
     *
     * @return {@code true} if the frame was buffered for sending, {@code false} if the buffer
     *         is full
     * @throws org.multios.ipc.IpcException as {@link #send(int, byte[], int, int, int)}, except
     *         INTERRUPTED
     */
    boolean trySend(int type, byte[] b, int off, int len, int priority);

    /**
     * Sends one frame, waiting at most {@code timeout} for room.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if there was no room in time;
     *         INVALID_ARGUMENT also for a negative timeout; otherwise as
     *         {@link #send(int, byte[], int, int, int)}
     */
    void send(int type, byte[] b, int off, int len, int priority, Duration timeout);

    /**
     * Sends the remaining bytes of {@code src} as one frame, waiting for room. On success the
     * position is at the limit; on failure it is unchanged.
     *
     * @throws org.multios.ipc.IpcException as {@link #send(int, byte[], int, int, int)}
     */
    void send(int type, ByteBuffer src, int priority);

    /**
     * Sends the remaining bytes of {@code src} as one frame if there is room now; never waits.
     * The position advances only if the frame was buffered.
     *
     * @return {@code true} if buffered, {@code false} if the buffer is full
     * @throws org.multios.ipc.IpcException as {@link #trySend(int, byte[], int, int, int)}
     */
    boolean trySend(int type, ByteBuffer src, int priority);

    /**
     * Sends the remaining bytes of {@code src} as one frame, waiting at most {@code timeout}.
     *
     * @throws org.multios.ipc.IpcException TIMEOUT if there was no room in time; otherwise as
     *         {@link #send(int, ByteBuffer, int)}
     */
    void send(int type, ByteBuffer src, int priority, Duration timeout);

    // ---------------------------------------------------------------- receiving

    /**
     * Takes the next frame into {@code buf} from {@code off}, waiting while none has arrived.
     *
     * @param info filled with the frame's length, priority and sender (the peer); required
     * @return the frame's type, {@value FrameType#MIN} to {@value FrameType#MAX}
     * @throws org.multios.ipc.IpcException INVALID_ARGUMENT for a bad range or a missing info;
     *         MESSAGE_TOO_LARGE if the frame is longer than {@code len} (it stays to be
     *         received); CLOSED if this handle is closed, or the peer closed and every frame
     *         has been taken; INTERRUPTED; PERMISSION_DENIED without read right
     */
    int receive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Takes the next frame if one has arrived; never waits.
     *
     * @return the frame's type, or {@link #NO_FRAME} if none is waiting
     * @throws org.multios.ipc.IpcException as {@link #receive(byte[], int, int, MessageInfo)},
     *         except INTERRUPTED
     */
    int tryReceive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Takes the next frame, waiting at most {@code timeout}.
     *
     * @return the frame's type
     * @throws org.multios.ipc.IpcException TIMEOUT if no frame arrived in time;
     *         INVALID_ARGUMENT also for a negative timeout; otherwise as
     *         {@link #receive(byte[], int, int, MessageInfo)}
     */
    int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout);

    /**
     * Takes the next frame into {@code dst} at its position, waiting while none has arrived.
     * The position advances by the frame's length; on failure the buffer is unchanged.
     *
     * @return the frame's type
     * @throws org.multios.ipc.IpcException MESSAGE_TOO_LARGE if the frame is longer than
     *         {@code dst.remaining()}; INVALID_ARGUMENT if {@code dst} is read-only; otherwise as
     *         {@link #receive(byte[], int, int, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info);

    /**
     * Takes the next frame into {@code dst} if one has arrived; never waits.
     *
     * @return the frame's type, or {@link #NO_FRAME}
     * @throws org.multios.ipc.IpcException as {@link #receive(ByteBuffer, MessageInfo)}, except
     *         INTERRUPTED
     */
    int tryReceive(ByteBuffer dst, MessageInfo info);

    /**
     * Takes the next frame into {@code dst}, waiting at most {@code timeout}.
     *
     * @return the frame's type
     * @throws org.multios.ipc.IpcException TIMEOUT if no frame arrived in time; otherwise as
     *         {@link #receive(ByteBuffer, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info, Duration timeout);

    /**
     * Closes the connection: frames still buffered for sending are sent for at most a short
     * linger time, the peer is told, and this side's waiters wake with CLOSED. Idempotent.
     */
    @Override
    void close();
}
