package org.multios.ipc.queue;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Quota;
import org.multios.ipc.Rights;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle on a named message queue. Its {@link #type()} is {@link ObjectType#QUEUE} and its
 * {@link #name()} is always present. Sending needs {@link Rights#WRITE}, receiving and
 * registering a listener {@link Rights#READ}.
 *
 * <p><b>Blocking.</b> A send waits while the queue is full, a receive while it is empty. If
 * this handle is {@linkplain #isNonBlocking() non-blocking} ({@link QueueFlag#NON_BLOCKING}),
 * the blocking and timed forms fail with {@link IpcError#WOULD_BLOCK} instead of waiting, as
 * with {@code O_NONBLOCK}; the {@code try} forms behave the same either way.
 *
 * <p><b>Receive buffer too small.</b> If the next message is longer than the space offered
 * (which may be less than the queue's largest message, unlike POSIX), a receive fails with
 * {@link IpcError#MESSAGE_TOO_LARGE}, fills the {@link MessageInfo} (if given) with the
 * message's length and priority and leaves the message at the head of the queue. Nothing
 * accepted is lost.
 *
 * <p><b>Closing.</b> Closing this handle wakes the threads waiting through it with
 * {@link IpcError#CLOSED} and ends its listener registration. The queue and its messages stay
 * until it is unlinked and its last handle closes. When the mechanism stops, every waiter
 * wakes with CLOSED.
 */
@ProviderType
public interface MessageQueue extends IpcObject {

    /** What {@code tryReceive} returns when the queue is empty. */
    int NO_MESSAGE = -1;

    /** A snapshot of the queue's sizes and message count and of this handle's flags. */
    QueueAttributes attributes();

    /** Whether this handle is non-blocking. */
    boolean isNonBlocking();

    /**
     * Makes this handle non-blocking or blocking, as {@code mq_setattr}; other handles on the
     * queue are not affected. Threads already waiting keep waiting.
     *
     * @throws IpcException CLOSED if this handle is closed
     */
    void setNonBlocking(boolean nonBlocking);

    // ---------------------------------------------------------------- sending

    /**
     * Queues {@code len} bytes of {@code b} from {@code off} as one message, waiting while the
     * queue is full.
     *
     * @param priority {@value org.multios.ipc.Priority#MIN} to {@value org.multios.ipc.Priority#MAX}
     * @throws IpcException INVALID_ARGUMENT for a bad range or priority; MESSAGE_TOO_LARGE if
     *                      {@code len} exceeds {@link QueueAttributes#maxMessageSize()};
     *                      PERMISSION_DENIED without {@link Rights#WRITE}; WOULD_BLOCK if the
     *                      queue is full and this handle is non-blocking; LIMIT_EXCEEDED if the
     *                      caller's {@link Quota#QUEUED_MESSAGES} quota is used up; CLOSED if
     *                      this handle or the mechanism closed; INTERRUPTED if interrupted while
     *                      waiting. Nothing is queued on failure.
     */
    void send(byte[] b, int off, int len, int priority);

    /**
     * Queues one message if the queue has room now; never waits.
     *
     * @return {@code true} if queued, {@code false} if the queue is full
     * @throws IpcException as {@link #send(byte[], int, int, int)}, except WOULD_BLOCK and
     *                      INTERRUPTED
     */
    boolean trySend(byte[] b, int off, int len, int priority);

    /**
     * Queues one message, waiting at most {@code timeout} while the queue is full (as
     * {@code mq_timedsend}).
     *
     * @throws IpcException TIMEOUT if the queue stayed full until the timeout passed; otherwise
     *                      as {@link #send(byte[], int, int, int)}
     */
    void send(byte[] b, int off, int len, int priority, Duration timeout);

    /**
     * Queues the remaining bytes of {@code src} as one message, waiting while the queue is full.
     * On success the position is at the limit; on failure it is unchanged.
     *
     * @throws IpcException as {@link #send(byte[], int, int, int)}
     */
    void send(ByteBuffer src, int priority);

    /**
     * Queues the remaining bytes of {@code src} as one message if there is room now; never
     * waits. The position advances to the limit only if the message was queued.
     *
     * @return {@code true} if queued, {@code false} if the queue is full
     * @throws IpcException as {@link #trySend(byte[], int, int, int)}
     */
    boolean trySend(ByteBuffer src, int priority);

    /**
     * Queues the remaining bytes of {@code src} as one message, waiting at most {@code timeout}.
     *
     * @throws IpcException TIMEOUT if the queue stayed full until the timeout passed; otherwise
     *                      as {@link #send(ByteBuffer, int)}
     */
    void send(ByteBuffer src, int priority, Duration timeout);

    // ---------------------------------------------------------------- receiving

    /**
     * Takes the oldest message of the highest priority into {@code buf} from {@code off},
     * waiting while the queue is empty.
     *
     * @param info filled with length, priority and sender of the message; may be {@code null}
     * @return the length of the message, 0 to {@code len}
     * @throws IpcException INVALID_ARGUMENT for a bad range; MESSAGE_TOO_LARGE if the message is
     *                      longer than {@code len} (it stays queued); PERMISSION_DENIED without
     *                      {@link Rights#READ}; WOULD_BLOCK if the queue is empty and this handle
     *                      is non-blocking; CLOSED if this handle or the mechanism closed;
     *                      INTERRUPTED if interrupted while waiting
     */
    int receive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Takes the next message if the queue holds one; never waits.
     *
     * @return the length of the message, or {@link #NO_MESSAGE} if the queue is empty
     * @throws IpcException as {@link #receive(byte[], int, int, MessageInfo)}, except
     *                      WOULD_BLOCK and INTERRUPTED
     */
    int tryReceive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Takes the next message, waiting at most {@code timeout} while the queue is empty (as
     * {@code mq_timedreceive}).
     *
     * @return the length of the message
     * @throws IpcException TIMEOUT if the queue stayed empty until the timeout passed;
     *                      otherwise as {@link #receive(byte[], int, int, MessageInfo)}
     */
    int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout);

    /**
     * Takes the next message into {@code dst} at its position, waiting while the queue is
     * empty. The position advances by the message's length; on failure the buffer is unchanged.
     *
     * @return the length of the message
     * @throws IpcException MESSAGE_TOO_LARGE if the message is longer than
     *                      {@code dst.remaining()}; INVALID_ARGUMENT if {@code dst} is read-only;
     *                      otherwise as {@link #receive(byte[], int, int, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info);

    /**
     * Takes the next message into {@code dst} if the queue holds one; never waits.
     *
     * @return the length of the message, or {@link #NO_MESSAGE}
     * @throws IpcException as {@link #receive(ByteBuffer, MessageInfo)}, except WOULD_BLOCK and
     *                      INTERRUPTED
     */
    int tryReceive(ByteBuffer dst, MessageInfo info);

    /**
     * Takes the next message into {@code dst}, waiting at most {@code timeout}.
     *
     * @return the length of the message
     * @throws IpcException TIMEOUT if the queue stayed empty until the timeout passed;
     *                      otherwise as {@link #receive(ByteBuffer, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info, Duration timeout);

    // ---------------------------------------------------------------- notification

    /**
     * Registers a listener told each time the queue goes from empty to non-empty while no
     * receiver is waiting, as {@code mq_notify} with two differences: the registration stays
     * until closed (it is not one-shot), and it belongs to this handle. As in POSIX, a queue has
     * at most one registration at a time, across every process. A queue that is not empty when
     * the listener is registered is not reported until it has been empty again: drain it with
     * {@link #tryReceive} after registering.
     *
     * @return the registration; close it to remove the listener
     * @throws IpcException INVALID_ARGUMENT if {@code listener} is null; BUSY if the
     *                      queue already has a registration (through any handle or process);
     *                      PERMISSION_DENIED without {@link Rights#READ}; CLOSED if this handle
     *                      is closed
     */
    QueueRegistration register(QueueListener listener);
}
