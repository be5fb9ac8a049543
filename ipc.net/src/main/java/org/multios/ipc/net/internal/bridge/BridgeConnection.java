package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.MechanismProvider;

/**
 * One remote peer's use of a bridge: its connection, the handle it opened as itself (its own
 * caller context, so the object's permissions and the policy apply to its identity), and the
 * requests it sends, each run on the bridge's workers and answered with its request id. When
 * the connection ends, the peer's handles are released (blocked requests wake with CLOSED).
 */
final class BridgeConnection {
    private final BridgeServer bridge;
    private final StreamConnection connection;
    private final CallerContext peer;
    private final Executor workers;
    private final int maxRoom;
    private volatile MessagePort port;

    BridgeConnection(BridgeServer bridge, StreamConnection connection, CallerContext peer, Executor workers) {
        this.bridge = bridge;
        this.connection = connection;
        this.peer = peer;
        this.workers = workers;
        this.maxRoom = connection.maxFrameSize() - RECEIVE_REPLY_HEADER;
    }

    /** A request arrived (reactor thread): run it on a worker. */
    void request(Frame frame) {
        int id = Replies.id(frame);
        if (frame.payload().length < ARGS_OFFSET) {
            connection.close();
            return;
        }
        try {
            workers.execute(() -> run(id, frame));
        } catch (RejectedExecutionException busy) {
            reply(error(id, new IpcException(IpcError.LIMIT_EXCEEDED, bridge + " is serving its maximum of "
                    + "requests at once; try again"), 0, 0));
        }
    }

    /** The connection ended: the peer's handles go. */
    void ended() {
        bridge.release(peer);
    }

    void close() {
        connection.close();
    }

    private void run(int id, Frame frame) {
        Reply reply;
        try {
            ByteBuffer b = ByteBuffer.wrap(frame.payload());
            long wait = b.getLong(WAIT_OFFSET);
            reply = switch (frame.type()) {
                case OP_OPEN -> open(id, b);
                case OP_SEND -> send(id, frame, wait);
                case OP_RECEIVE -> receive(id, b.getInt(ARGS_OFFSET), wait);
                case OP_STATUS -> status(id);
                default -> throw new IpcException(IpcError.PROTOCOL_ERROR, "unknown bridge operation " + frame.type());
            };
        } catch (IpcException e) {
            reply = error(id, e, 0, 0);
        } catch (RuntimeException e) {
            reply = error(id, new IpcException(IpcError.PROTOCOL_ERROR, "malformed request: " + e), 0, 0);
        }
        reply(reply);
    }

    private void reply(Reply reply) {
        try {
            connection.sendOwned(reply.type(), reply.priority(), reply.payload(), Waits.FOREVER);
        } catch (IpcException gone) {
            // the peer left; nobody waits for the reply
        }
    }

    // ------------------------------------------------------------------ operations

    private Reply open(int id, ByteBuffer b) {
        if (port != null) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "this connection already opened " + bridge.exportedName());
        }
        int kind = b.get(ARGS_OFFSET) & 0xFF;
        int side = b.get(ARGS_OFFSET + 1) & 0xFF;
        int rights = b.get(ARGS_OFFSET + 2) & 0xFF;
        int n = b.getShort(ARGS_OFFSET + 4) & 0xFFFF;
        String name = new String(b.array(), ARGS_OFFSET + 6, Math.min(n, b.limit() - ARGS_OFFSET - 6),
                StandardCharsets.UTF_8);
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
        ByteBuffer ok = Replies.ok(id, 20);
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
            port = end;
            var o = end.options();
            ok.put((byte) end.rights()).put((byte) 0).putShort((short) 0).putInt(o.maxMessageSize())
                    .putInt(o.maxMessages()).putInt(o.bufferSize()).putShort((short) end.permissions().mode());
        }
        return Reply.ok(ok);
    }

    private Reply send(int id, Frame frame, long wait) {
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
        return Reply.ok(Replies.ok(id, 1).put((byte) (sent ? 1 : 0)));
    }

    private Reply receive(int id, int room, long wait) {
        MessagePort p = opened();
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
                return error(id, e, info.length(), info.priority());
            }
            throw e;
        }
        if (got == MessagePort.NO_MESSAGE) {
            return Reply.ok(Replies.ok(id, 1).put((byte) 0));
        }
        ByteBuffer ok = Replies.ok(id, RECEIVE_REPLY_HEADER - RESULT_OFFSET + info.length());
        ok.put((byte) 1).put((byte) info.senderKind().ordinal()).putLong(info.senderId()).putLong(info.senderPid())
                .put(buf, 0, info.length());
        return new Reply(REPLY_OK, info.priority(), ok.array());
    }

    private Reply status(int id) {
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
        return Reply.ok(Replies.ok(id, 5).putInt(messages).put((byte) (peerClosed ? 1 : 0)));
    }

    private MessagePort opened() {
        MessagePort p = port;
        if (p == null) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "the first request on a bridge connection must be OPEN");
        }
        return p;
    }

    /** A reply: its frame type, priority and payload. */
    private record Reply(int type, int priority, byte[] payload) {
        static Reply ok(ByteBuffer payload) {
            return new Reply(REPLY_OK, 0, payload.array());
        }
    }

    private static Reply error(int id, IpcException e, int length, int priority) {
        return new Reply(REPLY_ERROR, 0, Replies.error(id, e.error(), e.getMessage(), length, priority));
    }
}
