package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;

/**
 * A bridge connection's session requests ({@link BridgeSessions}): OPEN_SESSION (attach, settle
 * custody, then OPEN), ACK and END; holds the session the connection is attached to.
 */
final class SessionOperations {
    private final BridgeOperations operations;
    private final BridgeConnection owner;
    private final PeerLink link;
    private volatile BridgeSession session;

    SessionOperations(BridgeOperations operations, BridgeConnection owner, PeerLink link) {
        this.operations = operations;
        this.owner = owner;
        this.link = link;
    }

    /** The session this connection is attached to, or null. */
    BridgeSession session() {
        return session;
    }

    /**
     * OPEN within a session: attaches this connection to it (closing a connection it had), then
     * settles its custody with what the client says it has, then opens the object.
     */
    BridgeReply open(int id, ByteBuffer b) {
        if (operations.isOpen() || session != null) {
            throw operations.alreadyOpened();
        }
        int at = ARGS_OFFSET + 6 + (b.getShort(ARGS_OFFSET + 4) & 0xFFFF);
        long sessionId = b.getLong(at);
        if (sessionId == 0) {
            throw new IpcException(IpcError.PROTOCOL_ERROR, "OPEN_SESSION with session id 0");
        }
        Set<Integer> received = received(b, at + 8);
        BridgeSessions sessions = link.bridge().sessions();
        BridgeSessions.Attached a = sessions.attach(identity(), sessionId, owner);
        session = a.session();
        if (!link.connection().isConnected()) {
            sessions.detach(a.session(), owner); // it ended before the session was known to it
        }
        if (a.previous() != null) {
            a.previous().close();
        }
        sessions.resume(a.session(), received);
        ByteBuffer ok = operations.open(id, b, 8);
        ok.put((byte) (a.resumed() ? 1 : 0)).put((byte) 0).putShort((short) MAX_CUSTODY)
                .putInt((int) Math.min(Integer.MAX_VALUE, sessions.grace().toMillis()));
        return BridgeReply.ok(ok);
    }

    /** Who may resume this connection's sessions: the peer's user, and its host unless authenticated. */
    private String identity() {
        String user = link.peer().process().user();
        return link.connection().isAuthenticated() ? user : user + "@" + link.connection().remoteEndpoint().host();
    }

    BridgeReply acknowledge(int id, int receive) {
        BridgeSession s = inSession("ACK");
        return BridgeReply.ok(Replies.ok(id, 1).put((byte) (s.acknowledge(receive) ? 1 : 0)));
    }

    BridgeReply end(int id, ByteBuffer b) {
        Set<Integer> received = received(b, ARGS_OFFSET);
        BridgeSession s = inSession("END");
        session = null;
        return BridgeReply.ok(Replies.ok(id, 4).putInt(link.bridge().sessions().end(s, received)));
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
}
