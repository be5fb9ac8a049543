package org.multios.ipc.net.internal.bridge;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.internal.stream.FrameDelivery;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * The RECEIVE replies of a bridge connection that carry a message and are not written yet
 * (frames sharing a payload are equal): a message that will not reach the peer goes back to
 * its object at its priority, unless a session holds it in custody (then the session decides).
 */
final class MessageReplies implements FrameDelivery {
    private final BridgeServer bridge;
    /** The channel side the peer opened (null for a queue). */
    private final Supplier<ChannelSide> side;
    private final Set<Frame> replies = ConcurrentHashMap.newKeySet();
    /** The same for messages in a session's custody: the session holding each. */
    private final Map<Frame, BridgeSession> heldReplies = new ConcurrentHashMap<>();

    MessageReplies(BridgeServer bridge, Supplier<ChannelSide> side) {
        this.bridge = bridge;
        this.side = side;
    }

    /** A reply carrying a message is handed over; {@code custody} holds it if it can. */
    void handingOver(int id, Frame frame, BridgeSession custody) {
        if (custody != null && custody.hold(id, new BridgeSession.Held(side.get(), frame))) {
            heldReplies.put(frame, custody);
        } else {
            replies.add(frame);
        }
    }

    @Override
    public void written(Frame frame) {
        replies.remove(frame);
        if (heldReplies.remove(frame) != null) {
            bridge.hooks().heldReplyWritten(Replies.id(frame));
        }
    }

    /** A reply that will not reach the peer: a message it carries goes back (unless a resume did it). */
    @Override
    public void undelivered(Frame frame) {
        if (replies.remove(frame)) {
            putBack(frame);
            return;
        }
        BridgeSession custody = heldReplies.remove(frame);
        if (custody != null && custody.release(Replies.id(frame), frame)) {
            putBack(frame);
        }
    }

    /**
     * A reply carrying a message will not be sent (its request was cancelled or faulted): the
     * message goes back to the object and the room it reserved in custody is freed.
     */
    void withdraw(BridgeReply reply) {
        putBack(reply.frame());
        if (reply.custody() != null) {
            reply.custody().unreserve();
        }
    }

    /** A RECEIVE reply that will not reach the peer: its message goes back to the object. */
    private void putBack(Frame reply) {
        bridge.putBack(side.get(), reply);
    }
}
