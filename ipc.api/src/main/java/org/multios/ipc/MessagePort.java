package org.multios.ipc;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A handle through which whole messages are sent and received with a priority: a channel end or
 * a message queue. Messages are received highest priority first, oldest first within a
 * priority; a channel of lanes ({@link org.multios.ipc.channel.ChannelOptions#lane()}) keeps the
 * order sent and only carries the priority. Receiving copies into a buffer the caller supplies and fills a reusable
 * {@link MessageInfo}, so it allocates nothing. Each operation that can wait has a blocking, a
 * non-blocking ({@code try...}, returning a status) and a timed form.
 *
 * <p>CLOSED is thrown when this handle or its mechanism closed, or when the peer of an anonymous
 * channel closed and nothing is left to receive. WOULD_BLOCK is thrown by the blocking and timed
 * forms of a handle opened non-blocking (queues, as with {@code O_NONBLOCK}).
 *
 * <p><b>Lanes.</b> On a channel of lanes a claim or a handler holds its side of the direction
 * until it ends; meanwhile another thread finds that direction full (empty): its try (every
 * {@code try...} form, {@code tryClaim}, {@code drain}) reports no room or no message at once,
 * and its blocking and timed forms wait as for room or a message, woken when the side is handed
 * back.
 *
 * <p><b>Timeouts</b>, one rule for every timed form of every port: a {@code null} or negative
 * timeout is INVALID_ARGUMENT and the call does nothing; zero makes one attempt and then fails
 * with TIMEOUT; a timeout too long to represent in nanoseconds waits without limit.
 */
@ProviderType
public interface MessagePort extends IpcObject, Waiting {
    /** What {@code tryReceive} returns when no message is waiting. */
    int NO_MESSAGE = -1;

    /**
     * Sends {@code len} bytes of {@code b} from {@code off} as one message, waiting while there
     * is no room.
     *
     * @param priority {@value Priority#MIN} to {@value Priority#MAX}
     * @throws IpcException INVALID_ARGUMENT for a bad range or priority; MESSAGE_TOO_LARGE if
     *                      {@code len} exceeds the object's maximum message size;
     *                      PERMISSION_DENIED without {@link Rights#WRITE}; LIMIT_EXCEEDED if the
     *                      caller's {@link Quota#QUEUED_MESSAGES} quota is used up; WOULD_BLOCK;
     *                      CLOSED; INTERRUPTED if interrupted while waiting. Nothing is queued on
     *                      failure, except after OUTCOME_UNKNOWN, which only a handle of an
     *                      object behind a network bridge reports (see
     *                      {@link org.multios.ipc.net the net package}).
     */
    void send(byte[] b, int off, int len, int priority);

    /**
     * Sends one message if there is room now; never waits.
     *
     * @return {@code true} if sent, {@code false} if there is no room
     * @throws IpcException as {@link #send(byte[], int, int, int)}, except WOULD_BLOCK and
     *                      INTERRUPTED
     */
    boolean trySend(byte[] b, int off, int len, int priority);

    /**
     * Sends one message, waiting at most {@code timeout} while there is no room.
     *
     * @throws IpcException TIMEOUT if there was no room until the timeout passed; otherwise as
     *                      {@link #send(byte[], int, int, int)}
     */
    void send(byte[] b, int off, int len, int priority, Duration timeout);

    /**
     * Sends the remaining bytes of {@code src} as one message, waiting while there is no room.
     * On success the position is at the limit; on failure it is unchanged.
     *
     * @throws IpcException as {@link #send(byte[], int, int, int)}
     */
    void send(ByteBuffer src, int priority);

    /**
     * Sends the remaining bytes of {@code src} as one message if there is room now; never waits.
     * The position advances to the limit only if the message was sent.
     *
     * @return {@code true} if sent, {@code false} if there is no room
     * @throws IpcException as {@link #trySend(byte[], int, int, int)}
     */
    boolean trySend(ByteBuffer src, int priority);

    /**
     * Sends the remaining bytes of {@code src} as one message, waiting at most {@code timeout}.
     *
     * @throws IpcException TIMEOUT if there was no room until the timeout passed; otherwise as
     *                      {@link #send(ByteBuffer, int)}
     */
    void send(ByteBuffer src, int priority, Duration timeout);

    /**
     * Receives the next message into {@code buf} from {@code off}, waiting until one arrives.
     *
     * @param info filled with length, priority and sender of the message; may be {@code null}
     * @return the length of the message, 0 to {@code len}
     * @throws IpcException INVALID_ARGUMENT for a bad range; MESSAGE_TOO_LARGE if the message is
     *                      longer than {@code len} (it stays queued and {@code info} holds its
     *                      length); PERMISSION_DENIED without {@link Rights#READ}; WOULD_BLOCK;
     *                      CLOSED; INTERRUPTED if interrupted while waiting
     */
    int receive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Receives the next message if one is waiting; never waits.
     *
     * @return the length of the message, or {@link #NO_MESSAGE} if none is waiting
     * @throws IpcException as {@link #receive(byte[], int, int, MessageInfo)}, except
     *                      WOULD_BLOCK and INTERRUPTED
     */
    int tryReceive(byte[] buf, int off, int len, MessageInfo info);

    /**
     * Receives the next message, waiting at most {@code timeout} for one.
     *
     * @return the length of the message
     * @throws IpcException TIMEOUT if no message arrived before the timeout passed; otherwise as
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
     * @throws IpcException as {@link #receive(ByteBuffer, MessageInfo)}, except WOULD_BLOCK and
     *                      INTERRUPTED
     */
    int tryReceive(ByteBuffer dst, MessageInfo info);

    /**
     * Receives the next message into {@code dst}, waiting at most {@code timeout} for one.
     *
     * @return the length of the message
     * @throws IpcException TIMEOUT if no message arrived before the timeout passed; otherwise as
     *                      {@link #receive(ByteBuffer, MessageInfo)}
     */
    int receive(ByteBuffer dst, MessageInfo info, Duration timeout);

    /**
     * Reserves a slot for a message of {@code length} bytes with a priority, if there is room now;
     * never waits (on a lane, a senders' side another thread holds reads as no room). The message
     * is written into the returned claim and sent by
     * {@link MessageClaim#commit()}, or given up by {@link MessageClaim#abort()}.
     *
     * @return this thread's claim on this port, open, or {@code null} if there is no room
     * @throws IpcException INVALID_ARGUMENT for a negative length or a bad priority;
     *                      MESSAGE_TOO_LARGE if {@code length} exceeds the object's maximum message
     *                      size; BUSY if this thread's claim on this port is still open; otherwise
     *                      as {@link #trySend(byte[], int, int, int)}
     */
    MessageClaim tryClaim(int length, int priority);

    /**
     * Sends {@code count} messages, {@code messages[offset]} first, each the remaining bytes of
     * its buffer, as far as there is room now; never waits. Each message sent has its position
     * advanced to its limit; the first that finds no room ends the batch.
     *
     * @return how many were sent, from the first on; a failure after some were sent (a message
     *         too large, a closed handle) ends the batch without an exception, and a call that
     *         starts with the message that failed reports it
     * @throws IpcException INVALID_ARGUMENT for a bad range or a null buffer (nothing sent);
     *                      otherwise as {@link #trySend(ByteBuffer, int)}, if the first message
     *                      fails
     */
    int trySend(ByteBuffer[] messages, int offset, int count, int priority);

    /**
     * Hands the next message, if one is waiting, to {@code handler} in place; never waits.
     *
     * @return whether a message was handled
     * @throws IpcException INVALID_ARGUMENT if {@code handler} is null; PERMISSION_DENIED
     *                      without {@link Rights#READ}; CLOSED
     */
    boolean tryReceive(MessageHandler handler);

    /**
     * Waits for the next message, as this handle's wait strategy says, and hands it to
     * {@code handler} in place (as {@link #tryReceive(MessageHandler)} does): the blocking form
     * of a zero-copy receive. Follow it with {@link #drain} to take what else is waiting.
     *
     * @throws IpcException INVALID_ARGUMENT if {@code handler} is null; BUSY if a handler of this
     *                      thread is still reading a message of this port; otherwise as
     *                      {@link #receive(byte[], int, int, MessageInfo)}, except
     *                      MESSAGE_TOO_LARGE
     */
    void receive(MessageHandler handler);

    /**
     * As {@link #receive(MessageHandler)}, waiting at most {@code timeout} for a message.
     *
     * @throws IpcException TIMEOUT if no message arrived before the timeout passed; otherwise as
     *                      {@link #receive(MessageHandler)}
     */
    void receive(MessageHandler handler, Duration timeout);

    /**
     * Hands up to {@code max} waiting messages to {@code handler} in place, one call each, in
     * receive order; never waits.
     *
     * @return how many were handled, 0 if none was waiting; a refusal (closing, revocation) after
     *         some were handled ends the drain, and the next call reports it
     * @throws IpcException INVALID_ARGUMENT if {@code handler} is null or {@code max} is
     *                      negative; otherwise as {@link #tryReceive(MessageHandler)}
     */
    int drain(MessageHandler handler, int max);
}
