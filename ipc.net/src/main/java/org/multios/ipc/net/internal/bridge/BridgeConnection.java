package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.net.internal.stream.FrameDelivery;
import org.multios.ipc.net.internal.stream.OutputBudget;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.multios.ipc.net.internal.wire.FrameDescriptor;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.MechanismProvider;

/**
 * One remote peer's use of a bridge: its connection, the handle it opened as itself (its own
 * caller context, so the object's permissions and the policy apply to its identity), and the
 * requests it sends, answered with their request id. When the connection ends, the peer's
 * handles are released (blocked requests wake with CLOSED).
 *
 * <p>Delivery rules ({@link BridgeDescriptor}): OPEN and SEND run one at a time in arrival
 * order (per-priority FIFO holds as for a local sender), RECEIVE, STATUS and ACK in parallel; a
 * request id seen again while its request runs, or among the last {@value #REMEMBERED}
 * answered, is not run again; CANCEL ends a request's wait; a message whose RECEIVE reply is
 * never written (cancelled, or the connection ended first) is put back at its priority; in a
 * session ({@link BridgeSessions}) a message whose reply was written stays in custody until
 * the peer ACKs it or the session is resumed, ended or expires; after the peer's BYE the
 * requests already received finish without waiting, their replies are flushed, then the
 * connection closes.
 */
final class BridgeConnection {
    /** How many answered request ids are remembered to recognise a repeated request. */
    static final int REMEMBERED = 1024;

    private final BridgeServer bridge;
    private final StreamConnection connection;
    private final CallerContext peer;
    private final Executor workers;
    private final SerialLane ordered;
    private final int maxRoom;
    private final int maxInFlight;
    private final Map<Integer, BridgeRequest> inFlight = new ConcurrentHashMap<>();
    private final Map<Integer, Frame> answered = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Frame> eldest) {
            return size() > REMEMBERED;
        }
    };
    /** RECEIVE replies carrying a message, not written yet (frames sharing a payload are equal). */
    private final Set<Frame> messageReplies = ConcurrentHashMap.newKeySet();
    /** The same for messages in a session's custody: the session holding each. */
    private final Map<Frame, BridgeSession> heldReplies = new ConcurrentHashMap<>();
    private final WorkerFaults faults = new WorkerFaults();
    private volatile boolean draining;
    private volatile MessagePort port;
    private volatile ChannelSide side;
    private volatile BridgeSession session;

    /**
     * Serves a peer's connection.
     *
     * @param maxInFlight requests that may run at once; more are answered LIMIT_EXCEEDED
     */
    BridgeConnection(BridgeServer bridge, StreamConnection connection, CallerContext peer, Executor workers,
            int maxInFlight) {
        this.bridge = bridge;
        this.connection = connection;
        this.peer = peer;
        this.workers = workers;
        this.ordered = new SerialLane(workers);
        this.maxRoom = connection.maxFrameSize() - RECEIVE_REPLY_HEADER;
        this.maxInFlight = maxInFlight;
        connection.trackDelivery(new FrameDelivery() {
            @Override
            public void written(Frame frame) {
                messageReplies.remove(frame);
                if (heldReplies.remove(frame) != null) {
                    bridge.hooks().heldReplyWritten(Replies.id(frame));
                }
            }

            @Override
            public void undelivered(Frame frame) {
                BridgeConnection.this.undelivered(frame);
            }
        });
    }

    /**
     * A request arrived (reactor thread, never waits): run it in its lane, cancel, drop a
     * repeat, or refuse it beyond the requests in flight or the workers.
     */
    void request(Frame frame) {
        int id = Replies.id(frame);
        if (frame.payload().length < ARGS_OFFSET) {
            connection.close();
            return;
        }
        if (frame.type() == OP_CANCEL) {
            BridgeRequest r = inFlight.get(id);
            if (r != null) {
                bridge.hooks().cancelling(id);
                r.cancel();
                bridge.hooks().cancelled(id);
            }
            return;
        }
        BridgeSession s = session;
        if (repeated(id) || (frame.type() == OP_RECEIVE && s != null && s.holds(id))) {
            return;
        }
        BridgeRequest r = new BridgeRequest(id, frame);
        if (inFlight.size() >= maxInFlight) {
            reply(error(id, new IpcException(IpcError.LIMIT_EXCEEDED, bridge + " runs at most " + maxInFlight
                    + " requests of one connection at once; wait for a reply, then try again"), 0, 0).frame());
            return;
        }
        inFlight.put(id, r);
        try {
            if (frame.type() == OP_RECEIVE || frame.type() == OP_STATUS || frame.type() == OP_ACK) {
                workers.execute(() -> run(r));
            } else {
                ordered.add(() -> run(r));
            }
        } catch (RejectedExecutionException busy) {
            answer(r, error(id, new IpcException(IpcError.LIMIT_EXCEEDED, bridge + " is serving its maximum of "
                    + "requests at once; try again"), 0, 0));
        }
    }

    /** Whether the id is running or was answered lately; a remembered answer is sent again. */
    private boolean repeated(int id) {
        if (inFlight.containsKey(id)) {
            return true;
        }
        Frame earlier;
        synchronized (answered) {
            if (!answered.containsKey(id)) {
                return false;
            }
            earlier = answered.get(id);
        }
        if (earlier != null) {
            reply(new Frame(FrameDescriptor.KIND_DATA, earlier.type(), earlier.priority(), earlier.payload().clone()));
        }
        return true;
    }

    /** Sends a reply that carries no message; a peer that left gets none. */
    private void reply(Frame frame) {
        try {
            connection.reply(frame.type(), frame.priority(), frame.payload());
        } catch (IpcException gone) {
            // the peer left or was dropped; nobody waits for the answer
        }
    }

    OutputBudget outputBudget() {
        return connection.outputBudget();
    }

    /** Whether a request of the peer is running (the connection is not idle then). */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    /** The peer said BYE (reactor thread): finish without waiting, flush, then close. */
    void peerSaidBye() {
        draining = true;
        bridge.hooks().peerBye();
        inFlight.values().forEach(BridgeRequest::interrupt);
        closeIfDrained();
    }

    private void closeIfDrained() {
        if (draining && inFlight.isEmpty()) {
            connection.close();
        }
    }

    /** The connection ended: its session's grace starts, the peer's handles go. */
    void ended() {
        BridgeSession s = session;
        if (s != null) {
            bridge.sessions().detach(s, this);
        }
        bridge.release(peer);
    }

    void close() {
        connection.close();
    }

    /** Breaks the peer's connection off with an error it is told of. */
    void refuse(IpcError error, String reason) {
        connection.refuse(error, reason);
    }

    /** Runs a request on a worker; an Error that reaches the worker ends there ({@link #faulted}). */
    private void run(BridgeRequest r) {
        try {
            serve(r);
        } catch (Error e) {
            try {
                faulted(r, e);
            } catch (Error again) { // a fault of a later access, delivered in here
                faulted(r, again);
            }
        }
    }

    /**
     * An Error reached the worker ({@link WorkerFaults}): the request is answered with what it
     * became (at a mapping fault the handle closes and answers CORRUPTED from now on); if it
     * surfaced while the reply was being handed over, what reached the socket is unknown, so the
     * connection is refused with it instead. The worker goes on serving.
     */
    private void faulted(BridgeRequest r, Error e) {
        r.finish();
        IpcException why = faults.caught(e, handleName(), port);
        if (faults.isCorrupted()) {
            closePort();
        }
        if (!r.isAnswered()) {
            answer(r, error(r.id(), why, 0, 0));
            return;
        }
        inFlight.remove(r.id());
        connection.refuse(why.error(), why.getMessage());
    }

    private void closePort() {
        MessagePort p = port;
        if (p != null) {
            try {
                p.close();
            } catch (RuntimeException closing) {
                // closed as far as it goes; later requests fail with CORRUPTED anyway
            }
        }
    }

    private void serve(BridgeRequest r) {
        Frame frame = r.frame();
        int id = r.id();
        if (!r.start()) {
            r.finish();
            answer(r, cancelled(id));
            return;
        }
        Reply reply;
        try {
            bridge.hooks().beforeOperation(frame.type(), id);
            ByteBuffer b = ByteBuffer.wrap(frame.payload());
            long wait = draining ? Waits.NEVER : b.getLong(WAIT_OFFSET);
            reply = switch (frame.type()) {
                case OP_OPEN -> open(id, b);
                case OP_SEND -> send(id, frame, wait);
                case OP_RECEIVE -> receive(id, b.getInt(ARGS_OFFSET), wait);
                case OP_STATUS -> status(id);
                case OP_OPEN_SESSION -> openSession(id, b);
                case OP_ACK -> acknowledge(id, b.getInt(ARGS_OFFSET));
                case OP_END -> end(id, received(b, ARGS_OFFSET));
                default -> throw new IpcException(IpcError.PROTOCOL_ERROR, "unknown bridge operation " + frame.type());
            };
        } catch (IpcException e) {
            reply = error(id, e, 0, 0);
        } catch (RuntimeException e) {
            reply = error(id, new IpcException(IpcError.PROTOCOL_ERROR, "malformed request: " + e), 0, 0);
        } finally {
            r.finish();
        }
        try {
            bridge.hooks().beforeReply(frame.type(), id);
        } catch (Error e) {
            reply = afterOperation(r, reply, e);
        }
        if (reply.carriesMessage() && r.isCancelled()) {
            putBack(reply.frame());
            if (reply.custody() != null) {
                reply.custody().unreserve();
            }
            reply = cancelled(id);
        }
        answer(r, reply);
    }

    /**
     * An Error surfaced after the operation produced its reply, before it went out: a fault of
     * another object's mapping leaves the operation's reply standing (the message taken is
     * delivered, not lost); a fault of the handle's own mapping closes it and is answered.
     */
    private Reply afterOperation(BridgeRequest r, Reply reply, Error e) {
        IpcException why = faults.caught(e, handleName(), port);
        if (!faults.isCorrupted() && MappedFault.isMappedAccessFault(e)) {
            return reply;
        }
        if (faults.isCorrupted()) {
            closePort();
        }
        if (reply.carriesMessage()) {
            putBack(reply.frame());
            if (reply.custody() != null) {
                reply.custody().unreserve();
            }
        }
        return error(r.id(), why, 0, 0);
    }

    private String handleName() {
        return bridge.exportedType().label() + " '" + bridge.exportedName() + "' (the handle of " + bridge + " for "
                + peer.process() + ")";
    }

    /** Sends a request's one reply; a message that cannot go out is put back. */
    private void answer(BridgeRequest r, Reply reply) {
        r.answering();
        Frame frame = reply.frame();
        if (reply.carriesMessage()) {
            BridgeSession custody = reply.custody();
            if (custody != null && custody.hold(r.id(), new BridgeSession.Held(side, frame))) {
                heldReplies.put(frame, custody);
            } else {
                messageReplies.add(frame);
            }
        }
        synchronized (answered) {
            answered.put(r.id(), r.frame().type() == OP_RECEIVE ? null : frame);
        }
        try {
            connection.reply(frame.type(), frame.priority(), frame.payload());
        } catch (IpcException gone) {
            undelivered(frame);
        } finally {
            inFlight.remove(r.id());
            bridge.hooks().replied(r.frame().type(), r.id());
            closeIfDrained();
        }
    }

    /** A reply that will not reach the peer: a message it carries goes back (unless a resume did it). */
    private void undelivered(Frame frame) {
        if (messageReplies.remove(frame)) {
            putBack(frame);
            return;
        }
        BridgeSession custody = heldReplies.remove(frame);
        if (custody != null && custody.release(Replies.id(frame), frame)) {
            putBack(frame);
        }
    }

    /** A RECEIVE reply that will not reach the peer: its message goes back to the object. */
    private void putBack(Frame reply) {
        bridge.putBack(side, reply);
    }

    // ------------------------------------------------------------------ operations

    private Reply open(int id, ByteBuffer b) {
        return Reply.ok(open(id, b, 0));
    }

    /** Opens the object; returns the OK payload with {@code extra} bytes of room after OPEN's result. */
    private ByteBuffer open(int id, ByteBuffer b, int extra) {
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

    /**
     * OPEN within a session: attaches this connection to it (closing a connection it had), then
     * settles its custody with what the client says it has, then opens the object.
     */
    private Reply openSession(int id, ByteBuffer b) {
        if (port != null || session != null) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "this connection already opened " + bridge.exportedName());
        }
        int at = ARGS_OFFSET + 6 + (b.getShort(ARGS_OFFSET + 4) & 0xFFFF);
        long sessionId = b.getLong(at);
        if (sessionId == 0) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "OPEN_SESSION with session id 0");
        }
        Set<Integer> received = received(b, at + 8);
        BridgeSessions sessions = bridge.sessions();
        BridgeSessions.Attached a = sessions.attach(identity(), sessionId, this);
        session = a.session();
        if (!connection.isConnected()) {
            sessions.detach(a.session(), this); // it ended before the session was known to it
        }
        if (a.previous() != null) {
            a.previous().close();
        }
        sessions.resume(a.session(), received);
        ByteBuffer ok = open(id, b, 8);
        ok.put((byte) (a.resumed() ? 1 : 0)).put((byte) 0).putShort((short) MAX_CUSTODY)
                .putInt((int) Math.min(Integer.MAX_VALUE, sessions.grace().toMillis()));
        return Reply.ok(ok);
    }

    /** Who may resume this connection's sessions: the peer's user, and its host unless authenticated. */
    private String identity() {
        String user = peer.process().user();
        return connection.isAuthenticated() ? user : user + "@" + connection.remoteEndpoint().host();
    }

    private Reply acknowledge(int id, int receive) {
        BridgeSession s = inSession("ACK");
        return Reply.ok(Replies.ok(id, 1).put((byte) (s.acknowledge(receive) ? 1 : 0)));
    }

    private Reply end(int id, Set<Integer> received) {
        BridgeSession s = inSession("END");
        session = null;
        return Reply.ok(Replies.ok(id, 4).putInt(bridge.sessions().end(s, received)));
    }

    /** A list of RECEIVE request ids (count u16, ids u32) at {@code at}: those whose messages the client has. */
    private static Set<Integer> received(ByteBuffer b, int at) {
        int count = b.getShort(at) & 0xFFFF;
        if (count > MAX_CUSTODY || b.limit() < at + 2 + 4 * count) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "malformed list of received ids: " + count
                    + " ids (at most " + MAX_CUSTODY + ") in " + (b.limit() - at - 2) + " bytes");
        }
        Set<Integer> received = new HashSet<>();
        for (int i = 0; i < count; i++) {
            received.add(b.getInt(at + 2 + 4 * i));
        }
        return received;
    }

    private BridgeSession inSession(String operation) {
        BridgeSession s = session;
        if (s == null) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, operation + " on a connection without a session");
        }
        return s;
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
        BridgeSession custody = session;
        if (custody == null) {
            return receive(p, id, room, wait, null);
        }
        custody.reserve(bridge.toString());
        Reply reply = null;
        try {
            reply = receive(p, id, room, wait, custody);
            return reply;
        } finally {
            if (reply == null || !reply.carriesMessage()) {
                custody.unreserve();
            }
        }
    }

    private Reply receive(MessagePort p, int id, int room, long wait, BridgeSession custody) {
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
        return new Reply(REPLY_OK, info.priority(), ok.array(), true, custody);
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
        faults.check();
        MessagePort p = port;
        if (p == null) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "the first request on a bridge connection must be OPEN");
        }
        return p;
    }

    /**
     * A reply: its frame type, priority and payload, whether it hands over a message, and the
     * session whose custody has room reserved for that message (null without a session).
     */
    private record Reply(int type, int priority, byte[] payload, boolean carriesMessage, BridgeSession custody) {
        static Reply ok(ByteBuffer payload) {
            return new Reply(REPLY_OK, 0, payload.array(), false, null);
        }

        Frame frame() {
            return new Frame(FrameDescriptor.KIND_DATA, type, priority, payload);
        }
    }

    private static Reply cancelled(int id) {
        return error(id, new IpcException(IpcError.INTERRUPTED, "the request was cancelled; it did nothing"), 0, 0);
    }

    private static Reply error(int id, IpcException e, int length, int priority) {
        return new Reply(REPLY_ERROR, 0, Replies.error(id, e.error(), e.getMessage(), length, priority), false,
                null);
    }
}
