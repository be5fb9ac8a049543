package org.multios.ipc.queue;


import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.MessagePort;
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
public interface MessageQueue extends MessagePort {


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

    // sending and receiving: inherited from MessagePort

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
