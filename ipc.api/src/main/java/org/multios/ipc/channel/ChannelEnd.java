package org.multios.ipc.channel;


import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.MessagePort;
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
 * priority, messages in the order they were accepted. A channel of lanes
 * ({@link ChannelOptions#lane()}) delivers every message in the order accepted and only carries
 * its priority to the {@link MessageInfo}.
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
public interface ChannelEnd extends MessagePort {


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

    // sending and receiving: inherited from MessagePort
}
