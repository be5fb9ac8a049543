package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.MechanismProvider;

/**
 * What a peer's requests do on a worker ({@link BridgeDescriptor}): OPEN the exported object as
 * the peer (its own caller context), SEND, RECEIVE and STATUS on that handle, and a session's
 * OPEN, ACK and END ({@link SessionOperations}). Holds the handle and the channel side.
 */
final class BridgeOperations {
    private final BridgeConnection owner;
    private final PeerLink link;
    private final WorkerFaults faults;
    private final int maxRoom;
    private final SessionOperations sessions;
    private volatile MessagePort port;
    private volatile ChannelSide side;

    BridgeOperations(BridgeConnection owner, PeerLink link, WorkerFaults faults) {
        this.owner = owner;
        this.link = link;
        this.faults = faults;
        this.maxRoom = link.connection().maxFrameSize() - RECEIVE_REPLY_HEADER;
        this.sessions = new SessionOperations(this, owner, link);
    }

    /** The channel side the peer opened (null for a queue or before OPEN). */
    ChannelSide side() {
        return side;
    }

    /** The session this connection is attached to, or null. */
    BridgeSession session() {
        return sessions.session();
    }

    /** Whether the peer opened the object already. */
    boolean isOpen() {
        return port != null;
    }

    /**
     * Runs a request (which then is {@linkplain BridgeRequest#finish finished}) and returns its
     * reply, an error reply if it failed; after the peer's BYE nothing waits.
     */
    BridgeReply run(BridgeRequest r) {
        Frame frame = r.frame();
        int id = r.id();
        try {
            link.bridge().hooks().beforeOperation(frame.type(), id);
            return operation(id, frame);
        } catch (IpcException e) {
            return BridgeReply.error(id, e, 0, 0);
        } catch (RuntimeException e) {
            return BridgeReply.error(id, new IpcException(IpcError.PROTOCOL_ERROR, "malformed request: " + e), 0, 0);
        } finally {
            r.finish();
        }
    }

    private BridgeReply operation(int id, Frame frame) {
        ByteBuffer b = ByteBuffer.wrap(frame.payload());
        long wait = owner.draining() ? Waits.NEVER : b.getLong(WAIT_OFFSET);
        return switch (frame.type()) {
            case OP_OPEN -> open(id, b);
            case OP_SEND -> send(id, frame, wait);
            case OP_RECEIVE -> receive(id, b.getInt(ARGS_OFFSET), wait);
            case OP_STATUS -> status(id);
            case OP_OPEN_SESSION -> sessions.open(id, b);
            case OP_ACK -> sessions.acknowledge(id, b.getInt(ARGS_OFFSET));
            case OP_END -> sessions.end(id, b);
            default -> throw new IpcException(IpcError.PROTOCOL_ERROR, "unknown bridge operation " + frame.type());
        };
    }

    /** The peer's handle; null before OPEN. */
    MessagePort port() {
        return port;
    }

    /** Closes the peer's handle (after a mapping fault). */
    void closePort() {
        MessagePort p = port;
        if (p != null) {
            try {
                p.close();
            } catch (RuntimeException closing) {
                // closed as far as it goes; later requests fail with CORRUPTED anyway
            }
        }
    }

    private BridgeReply open(int id, ByteBuffer b) {
        return BridgeReply.ok(open(id, b, 0));
    }

    /** Opens the object; returns the OK payload with {@code extra} bytes of room after OPEN's result. */
    ByteBuffer open(int id, ByteBuffer b, int extra) {
        if (port != null) {
            throw alreadyOpened();
        }
        BridgeServer bridge = link.bridge();
        CallerContext peer = link.peer();
        int kind = b.get(ARGS_OFFSET) & 0xFF;
        int side = b.get(ARGS_OFFSET + 1) & 0xFF;
        int rights = b.get(ARGS_OFFSET + 2) & 0xFF;
        int n = b.getShort(ARGS_OFFSET + 4) & 0xFFFF;
        if (ARGS_OFFSET + 6 + n > b.limit()) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, link.bridge() + ": an OPEN of " + b.limit()
                    + " bytes declares a name of " + n + " bytes");
        }
        String name = new String(b.array(), ARGS_OFFSET + 6, n, StandardCharsets.UTF_8);
        ObjectType type = kind == KIND_QUEUE ? ObjectType.QUEUE : kind == KIND_CHANNEL ? ObjectType.CHANNEL : null;
        if (type != bridge.exportedType() || !name.equals(bridge.exportedName())) {
            throw new IpcException(IpcError.NOT_FOUND, bridge + " exports " + bridge.exportedType().label() + " '"
                    + bridge.exportedName() + "', not " + (type == null ? "kind " + kind : type.label()) + " '" + name
                    + "'");
        }
        int allowed = bridge.exportedRights();
        if (rights == Rights.NONE || (rights & ~allowed) != 0) {
            peer.denied(type, name, "open through " + bridge + " with rights " + Rights.toString(rights));
            throw IpcException.permissionDenied("open with rights " + Rights.toString(rights), bridge + " ("
                    + type.label() + " '" + name + "', exported with " + Rights.toString(allowed) + ")",
                    peer.process() + " as " + peer.process().user());
        }
        ByteBuffer ok = Replies.ok(id, OPEN_RESULT + extra);
        if (type == ObjectType.QUEUE) {
            MechanismProvider<MessageQueueService> p = bridge.provider(MessageQueueService.class);
            MessageQueue q = p.bind(peer).open(name, rights, Set.of());
            port = q;
            var a = q.attributes();
            ok.put((byte) q.rights()).put((byte) 0).putShort((short) 0).putInt(a.maxMessageSize())
                    .putInt(a.maxMessages()).putInt(0).putShort((short) q.permissions().mode());
        } else {
            MechanismProvider<ChannelService> p = bridge.provider(ChannelService.class);
            ChannelEnd end = p.bind(peer).open(name, side == 0 ? ChannelSide.A : ChannelSide.B, rights);
            this.side = end.side();
            port = end;
            var o = end.options();
            ok.put((byte) end.rights()).put((byte) 0).putShort((short) 0).putInt(o.maxMessageSize())
                    .putInt(o.maxMessages()).putInt(o.bufferSize()).putShort((short) end.permissions().mode());
        }
        return ok.position(RESULT_OFFSET + OPEN_RESULT);
    }

    /** The PROTOCOL_ERROR of a second OPEN on one connection. */
    IpcException alreadyOpened() {
        return new IpcException(IpcError.PROTOCOL_ERROR, "this connection already opened "
                + link.bridge().exportedName());
    }

    private BridgeReply send(int id, Frame frame, long wait) {
        MessagePort p = opened();
        byte[] b = frame.payload();
        int len = b.length - SEND_REQUEST_HEADER;
        boolean sent = true;
        if (wait == Waits.FOREVER) {
            p.send(b, SEND_REQUEST_HEADER, len, frame.priority());
        } else if (wait == Waits.NEVER) {
            sent = p.trySend(b, SEND_REQUEST_HEADER, len, frame.priority());
        } else {
            p.send(b, SEND_REQUEST_HEADER, len, frame.priority(), Duration.ofNanos(wait));
        }
        return BridgeReply.ok(Replies.ok(id, 1).put((byte) (sent ? 1 : 0)));
    }

    private BridgeReply receive(int id, int room, long wait) {
        MessagePort p = opened();
        BridgeSession custody = sessions.session();
        if (custody == null) {
            return receive(p, id, room, wait, null);
        }
        custody.reserve(link.bridge().toString());
        BridgeReply reply = null;
        try {
            reply = receive(p, id, room, wait, custody);
            return reply;
        } finally {
            if (reply == null || !reply.carriesMessage()) {
                custody.unreserve();
            }
        }
    }

    private BridgeReply receive(MessagePort p, int id, int room, long wait, BridgeSession custody) {
        byte[] buf = new byte[Math.max(0, Math.min(room, maxRoom))];
        MessageInfo info = new MessageInfo();
        int got;
        try {
            if (wait == Waits.FOREVER) {
                got = p.receive(buf, 0, buf.length, info);
            } else if (wait == Waits.NEVER) {
                got = p.tryReceive(buf, 0, buf.length, info);
            } else {
                got = p.receive(buf, 0, buf.length, info, Duration.ofNanos(wait));
            }
        } catch (IpcException e) {
            if (e.error() == IpcError.MESSAGE_TOO_LARGE) {
                return BridgeReply.error(id, e, info.length(), info.priority());
            }
            throw e;
        }
        if (got == MessagePort.NO_MESSAGE) {
            return BridgeReply.ok(Replies.ok(id, 1).put((byte) 0));
        }
        ByteBuffer ok = Replies.ok(id, RECEIVE_REPLY_HEADER - RESULT_OFFSET + info.length());
        ok.put((byte) 1).put((byte) info.senderKind().ordinal()).putLong(info.senderId()).putLong(info.senderPid())
                .put(buf, 0, info.length());
        return new BridgeReply(REPLY_OK, info.priority(), ok.array(), true, custody);
    }

    private BridgeReply status(int id) {
        MessagePort p = opened();
        int messages;
        boolean peerClosed = false;
        if (p instanceof MessageQueue q) {
            messages = q.attributes().currentMessages();
        } else {
            ChannelEnd end = (ChannelEnd) p;
            messages = end.pendingMessages();
            peerClosed = end.isPeerClosed();
        }
        return BridgeReply.ok(Replies.ok(id, 5).putInt(messages).put((byte) (peerClosed ? 1 : 0)));
    }

    private MessagePort opened() {
        faults.check();
        MessagePort p = port;
        if (p == null) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "the first request on a bridge connection must be OPEN");
        }
        return p;
    }
}
