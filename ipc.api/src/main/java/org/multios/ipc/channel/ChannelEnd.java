package org.multios.ipc.channel;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on one end of a channel: sends go to the {@linkplain ChannelSide#opposite() other
 * end}, receives take what the other end sent. Its {@link #type()} is
 * {@link ObjectType#CHANNEL}; both ends of a channel have the same {@link #id()}.
 *
 * <p>Sending needs {@link Rights#WRITE}, receiving {@link Rights#READ}. A handle may be given
 * to another bundle as a Java object; it keeps its rights and stays owned by the process that
 * created or opened it, and closes when that process releases the channel service.
 *
 * <p><b>Priorities and order.</b> Receivers get the highest priority first and, within one
 * priority, messages in the order they were accepted.
 *
 * <p><b>Receive buffer too small.</b> If the next message is longer than the space offered, a
 * receive fails with {@link IpcError#MESSAGE_TOO_LARGE}, fills the {@link MessageInfo} (if
 * given) with the message's length and priority, and leaves the message queued at the head,
 * so the caller can retry with a larger buffer. Nothing accepted is lost.
 *
 * <p><b>Closing.</b> Closing this handle wakes the threads waiting through it with
 * {@link IpcError#CLOSED}. When the last handle on one end of an <em>anonymous</em> channel
 * closes, that end is closed for good: receivers at the other end still get the messages
 * already queued for them and then fail with CLOSED (blocking and timed forms) — so do
 * {@code tryReceive} calls once the buffer is drained — and senders at the other end fail with
 * CLOSED at once. A <em>named</em> channel keeps its messages until it is unlinked and its last
 * handle closes, whether or not the other end is open: closing handles never closes its ends.
 * When the mechanism stops, every waiter wakes with CLOSED.
 */
@ProviderType
public interface ChannelEnd extends IpcObject {

    /** What {@code tryReceive} returns when no message is waiting. */
    int NO_MESSAGE = -1;

    /** Which end this handle is on. */
    ChannelSide side();

    /** The options the channel was created with; its limits apply to every message. */
    ChannelOptions options();

    /** The messages now waiting to be received at this end (a snapshot). */
    int pendingMessages();

    /**
     * Whether the other end of an anonymous channel has closed for good (see the class
     * description). Always {@code false} for a named channel.
     */
    boolean isPeerClosed();

    // ---------------------------------------------------------------- sending

    /**
     * Sends {@code len} bytes of {@code b} from {@code off} as one message, waiting while the
     * direction is full.
     *
     * @param priority {@value org.multios.ipc.Priority#MIN} to {@value org.multios.ipc.Priority#MAX}
     * @throws IpcException INVALID_ARGUMENT for a bad range or priority; MESSAGE_TOO_LARGE if
     *                      {@code len} exceeds {@link ChannelOptions#maxMessageSize()};
     *                      PERMISSION_DENIED without {@link Rights#WRITE}; LIMIT_EXCEEDED if the
     *                      caller's queued-message quota is used up; CLOSED if this handle, the
     *                      other end of an anonymous channel or the mechanism closed;
     *                      INTERRUPTED if interrupted while waiting. Nothing is queued on failure.
     */
    void send(byte[] b, int off, int len, int priority);

    /**
     * Sends one message if the direction has room for it now; never waits.
     *
     * @return {@code true} if the message was queued, {@code false} if the direction is full
     * @throws IpcException as {@link #send(byte[], int, int, int)}, except INTERRUPTED
     */
    boolean trySend(byte[] b, int off, int len, int priority);

    /**
     * Sends one message, waiting at most {@code timeout} while the direction is full.
     *
     * @throws IpcException TIMEOUT if there was no room before the timeout passed; otherwise as
     *                      {@link #send(byte[], int, int, int)}
     */
    void send(byte[] b, int off, int len, int priority, Duration timeout);

    /**
     * Sends the remaining bytes of {@code src} as one message, waiting while the direction is
     * full. On success the buffer's position is at its limit; on failure it is unchanged.
     *
     * @throws IpcException as {@link #send(byte[], int, int, int)}
     */
    void send(ByteBuffer src, int priority);

    /**
     * Sends the remaining bytes of {@code src} as one message if there is room now; never waits.
     * The position advances to the limit only if the message was queued.
     *
     * @return {@code true} if queued, {@code false} if the direction is full
     * @throws IpcException as {@link #trySend(byte[], int, int, int)}
     */
    boolean trySend(ByteBuffer src, int priority);

    /**
     * Sends the remaining bytes of {@code src} as one message, waiting at most {@code timeout}.
     *
     * @throws IpcException TIMEOUT if there was no room in time; otherwise as
     *                      {@link #send(ByteBuffer, int)}
     */
    void send(ByteBuffer src, int priority, Duration timeout);

    // ---------------------------------------------------------------- receiving

    /**
     * Receives the next message into {@code buf} from {@code off}, waiting until one arrives.
     *
     * @param buf  where the message is copied
     * @param off  where in {@code buf} it starts
     * @param len  the space offered
     * @param info filled with length, priority and sender of the message; may be {@code null}
     * @return the length of the message, 0 to {@code len}
     * @throws IpcException INVALID_ARGUMENT for a bad range; MESSAGE_TOO_LARGE if the next
     *                      message is longer than {@code len} (it stays queued; see the class
     *                      description); PERMISSION_DENIED without {@link Rights#READ}; CLOSED if
     *                      this handle or the mechanism closed, or the other end of an anonymous
     *                      channel closed and nothing is left to receive; INTERRUPTED if
     *                      interrupted while waiting
     */
    int receive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Receives the next message if one is waiting; never waits.
     *
     * @return the length of the message, or {@link #NO_MESSAGE} if none is waiting
     * @throws IpcException as {@link #receive(byte[], int, int, MessageInfo)}, except INTERRUPTED
     */
    int tryReceive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Receives the next message, waiting at most {@code timeout} for one.
     *
     * @return the length of the message
     * @throws IpcException TIMEOUT if none arrived in time; otherwise as
     *                      {@link #receive(byte[], int, int, MessageInfo)}
     */
    int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout);

    /**
     * Receives the next message into {@code dst} at its position, waiting until one arrives.
     * The position advances by the message's length; on failure the buffer is unchanged.
     *
     * @return the length of the message
     * @throws IpcException MESSAGE_TOO_LARGE if the message is longer than
     *                      {@code dst.remaining()}; INVALID_ARGUMENT if {@code dst} is read-only;
     *                      otherwise as {@link #receive(byte[], int, int, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info);

    /**
     * Receives the next message into {@code dst} if one is waiting; never waits.
     *
     * @return the length of the message, or {@link #NO_MESSAGE}
     * @throws IpcException as {@link #receive(ByteBuffer, MessageInfo)}, except INTERRUPTED
     */
    int tryReceive(ByteBuffer dst, MessageInfo info);

    /**
     * Receives the next message into {@code dst}, waiting at most {@code timeout}.
     *
     * @return the length of the message
     * @throws IpcException TIMEOUT if none arrived in time; otherwise as
     *                      {@link #receive(ByteBuffer, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info, Duration timeout);
}
