package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.TransferGate;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * The replies a {@link BridgeClient}'s callers wait for, matched by request id as they arrive
 * (reactor thread, never waits). Every message this side takes is acknowledged at once (ACK),
 * and the ACK's answer confirms it in the {@link ClientSession}; the message of a RECEIVE whose
 * caller gave up is kept for the next receive, until the client starts closing. When the
 * connection ends, every caller still waiting fails.
 */
final class ClientReplies {
    private final StreamConnection connection;
    private final ClientSession session;
    private final Map<Integer, PendingReply> pending = new ConcurrentHashMap<>();
    /** ACKs sent and not answered: ACK request id to the RECEIVE's id. */
    private final Map<Integer, Integer> acks = new ConcurrentHashMap<>();
    private final Queue<Frame> orphans = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    ClientReplies(StreamConnection connection, ClientSession session) {
        this.connection = connection;
        this.session = session;
    }

    /** Request {@code id} is about to be sent: its reply goes to the returned waiter. */
    PendingReply expect(int id, boolean receive, TransferGate gate) {
        PendingReply reply = new PendingReply(receive, gate);
        pending.put(id, reply);
        return reply;
    }

    /** Request {@code id} was not sent: nobody waits for its reply. */
    void forget(int id) {
        pending.remove(id);
    }

    /** Whether the client is closing: a late message is no longer kept for a later receive. */
    boolean closing() {
        return closing;
    }

    /** Asks the bridge to cancel a request; never waits (a full or ended connection: no cancel). */
    void cancel(int id) {
        try {
            connection.sendOwned(OP_CANCEL, 0, session.request(0, Waits.NEVER).putInt(ID_OFFSET, id).array(),
                    Waits.NEVER);
        } catch (IpcException ended) {
            // the connection ended: waiting for the reply learns it
        }
    }

    /**
     * The client closes: from now on a message whose caller gave up is left to the bridge,
     * which puts it back; the RECEIVEs still waiting are cancelled and settled (until
     * {@code deadline}: a message that comes meanwhile goes to its caller); then the messages
     * kept for later receives are sent back to the bridge at their priorities. Never waits for
     * room.
     */
    void drain(long deadline) {
        synchronized (orphans) {
            closing = true;
        }
        List<PendingReply> receives = new ArrayList<>();
        pending.forEach((id, p) -> {
            if (p.receive) {
                cancel(id);
                receives.add(p);
            }
        });
        for (PendingReply p : receives) {
            p.settled(deadline);
        }
        Frame kept;
        while ((kept = orphans.poll()) != null && connection.isConnected()) {
            byte[] message = kept.payload();
            int length = message.length - RECEIVE_REPLY_HEADER;
            ByteBuffer send = session.request(length, Waits.NEVER).put(message, RECEIVE_REPLY_HEADER, length);
            try {
                connection.sendOwned(OP_SEND, kept.priority(), send.array(), Waits.NEVER);
            } catch (IpcException ended) {
                break;
            }
        }
    }

    /** Makes the callers waiting for replies check their gates again. Never waits. */
    void wakeCallers() {
        for (PendingReply p : pending.values()) {
            p.wake();
        }
    }

    /** A reply a receive gave up on earlier, if one came. */
    Frame orphan() {
        return orphans.poll();
    }

    /** Keeps a reply for a later receive. */
    void keep(Frame reply) {
        orphans.add(reply);
    }

    /** A reply arrived (reactor thread). */
    void replied(Frame reply) {
        int id = Replies.id(reply);
        Integer acked = acks.remove(id);
        if (acked != null) {
            if (reply.type() == REPLY_OK) {
                session.acknowledged(acked);
            }
            return;
        }
        PendingReply waiter = pending.remove(id);
        if (waiter != null) {
            boolean kept;
            synchronized (orphans) { // with close: an orphan is kept before the drain, or not at all
                kept = waiter.complete(reply, closing ? null : orphans);
            }
            if (kept && waiter.receive && Replies.isMessage(reply)) {
                acknowledge(id);
            }
        }
    }

    /** The message of RECEIVE {@code id} is here: ACK it (reactor thread, never waits; unsent, it is listed later). */
    private void acknowledge(int id) {
        session.received(id);
        ByteBuffer ack = session.request(4, Waits.NEVER).putInt(id);
        int ackId = ack.getInt(ID_OFFSET);
        acks.put(ackId, id);
        try {
            if (!connection.sendOwned(OP_ACK, 0, ack.array(), Waits.NEVER)) {
                acks.remove(ackId);
            }
        } catch (IpcException ended) {
            acks.remove(ackId);
        }
    }

    /** The connection ended: every caller still waiting fails with {@code why}. */
    void ended(IpcException why) {
        for (PendingReply p : pending.values()) {
            p.fail(why);
        }
    }
}
