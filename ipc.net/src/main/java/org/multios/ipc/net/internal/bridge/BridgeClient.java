package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.TransferGate;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of a bridge connection: sends requests and waits for their replies, which
 * {@link ClientReplies} matches to them by id (failing every outstanding request when the
 * connection ends). The connection belongs to a {@link ClientSession}: every message a
 * RECEIVE's reply brings is acknowledged at once; closing ends the session listing what is not
 * acknowledged yet, over a new connection if this one was lost, so that what the bridge still
 * holds for this handle goes back and nothing twice.
 *
 * <p>A caller that stops waiting (interrupt, or its timeout) cancels its request and waits at
 * most {@link #SETTLE_NANOS} more for the one reply that settles it: OK means the operation
 * happened after all, and the caller gets its result; INTERRUPTED means it did nothing. If
 * that reply does not come, a SEND's outcome is unknown (OUTCOME_UNKNOWN), and a message a
 * RECEIVE's late reply brings is kept for the next receive, or sent back when the handle
 * closes.
 */
final class BridgeClient {
    /** How long a caller that gave up waits for the reply that settles its cancelled request. */
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger LOG = LoggerFactory.getLogger(BridgeClient.class);

    /** How long a request that does not wait at the bridge (OPEN, STATUS, try forms) waits for its reply. */
    static final long REPLY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final StreamConnection connection;
    private final String object;
    private final ClientSession session;
    private final ClientReplies replies;

    BridgeClient(StreamConnection connection, String object, ClientSession session) {
        this.connection = connection;
        this.object = object;
        this.session = session;
        this.replies = new ClientReplies(connection, session);
        connection.deliverTo(replies::replied);
        connection.onEnd(() -> replies.ended(IpcException.closed(object + ": " + connection.endReason())));
    }

    StreamConnection connection() {
        return connection;
    }

    /** The largest message a request or reply frame carries. */
    int maxMessage() {
        return connection.maxFrameSize() - RECEIVE_REPLY_HEADER;
    }

    /** A request's payload with {@code argBytes} after the header, id and wait filled in. */
    ByteBuffer request(int argBytes, long wait) {
        return session.request(argBytes, wait);
    }

    /**
     * Sends a request and waits for its reply: as long as the operation's own wait, or
     * {@link #REPLY_NANOS} for one that does not wait at the bridge, counting the wait for room
     * on the connection (a bridge that reads no more holds no caller past its wait); then (or
     * when interrupted) cancels it and waits at most {@link #SETTLE_NANOS} for the reply that
     * settles it.
     *
     * @return the reply (OK, or ERROR as the bridge sent it)
     * @throws IpcException CLOSED if the connection ended (a SEND already sent: OUTCOME_UNKNOWN);
     *         TIMEOUT if the connection had no room for the request within the wait (not sent);
     *         INTERRUPTED or TIMEOUT if the caller gave up and the request did nothing (or a
     *         RECEIVE's reply did not come in time: its message goes to the next receive);
     *         OUTCOME_UNKNOWN for a SEND whose cancel was not settled
     */
    Frame call(int op, int priority, byte[] payload, long wait) {
        return call(op, priority, payload, wait, TransferGate.OPEN);
    }

    /**
     * As {@link #call(int, int, byte[], long)}, the request's frame let through by {@code gate}.
     *
     * @throws IpcException PROTOCOL_ERROR also for an OK reply too short for its operation's result
     */
    Frame call(int op, int priority, byte[] payload, long wait, TransferGate gate) {
        return Replies.wellFormed(op, exchange(op, priority, payload, wait, gate), object);
    }

    private Frame exchange(int op, int priority, byte[] payload, long wait, TransferGate gate) {
        int id = ByteBuffer.wrap(payload).getInt(ID_OFFSET);
        PendingReply reply = replies.expect(id, op == OP_RECEIVE, gate);
        if (op == OP_RECEIVE) {
            session.receiving();
        }
        long budget = wait == Waits.FOREVER ? Waits.FOREVER : wait == Waits.NEVER ? REPLY_NANOS : wait;
        long start = System.nanoTime();
        try {
            if (!connection.isConnected()) {
                throw IpcException.closed(object + ": " + connection.endReason());
            }
            connection.sendOwned(op, priority, payload, budget, gate);
        } catch (IpcException notSent) {
            replies.forget(id);
            if (notSent.error() == IpcError.TIMEOUT) {
                throw new IpcException(IpcError.TIMEOUT, object + ": the connection to the bridge had no room for the "
                        + "request within " + Duration.ofNanos(budget) + " (the bridge reads no more); it was not sent"
                        + (op == OP_SEND ? ", so nothing was queued" : ""));
            }
            throw notSent.error() == IpcError.BROKEN_PIPE ? IpcException.closed(object + ": " + connection.endReason())
                    : notSent;
        }
        IpcException gaveUp;
        try {
            long left = budget == Waits.FOREVER ? Waits.FOREVER : Math.max(1, budget - (System.nanoTime() - start));
            Frame f = reply.await(left, true);
            if (f != null && replies.closing() && isCancelled(f)) {
                throw IpcException.closed(object);
            }
            if (f != null) {
                return f;
            }
            gaveUp = reply.refusal != null ? reply.refusal : IpcException.timeout("get the bridge's reply", object);
        } catch (InterruptedException e) {
            gaveUp = IpcException.interrupted("wait for the bridge's reply", object);
        } catch (IpcException ended) {
            throw lost(op, ended);
        }
        return settle(op, id, reply, gaveUp);
    }

    /** The caller gave up: cancel the request and wait a little for the reply that settles it. */
    private Frame settle(int op, int id, PendingReply reply, IpcException gaveUp) {
        boolean interrupted = gaveUp.error() == IpcError.INTERRUPTED;
        replies.cancel(id);
        long deadline = System.nanoTime() + SETTLE_NANOS;
        try {
            while (true) {
                try {
                    Frame f = reply.await(Math.max(1, deadline - System.nanoTime()), false);
                    if (f == null) {
                        Frame late = reply.abandon();
                        if (late == null) {
                            if (op == OP_SEND) {
                                throw unknown("the bridge did not answer the cancel in time");
                            }
                            throw gaveUp;
                        }
                        f = late;
                    }
                    if (isCancelled(f)) {
                        throw gaveUp;
                    }
                    return f;
                } catch (InterruptedException again) {
                    interrupted = true;
                }
            }
        } catch (IpcException ended) {
            throw ended == gaveUp || ended.error() == IpcError.OUTCOME_UNKNOWN ? ended : lost(op, ended);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isCancelled(Frame reply) {
        ByteBuffer b = ByteBuffer.wrap(reply.payload());
        return reply.type() == REPLY_ERROR && b.limit() >= RESULT_OFFSET + 2
                && (b.getShort(RESULT_OFFSET) & 0xFFFF) == IpcError.INTERRUPTED.code();
    }

    /** The connection ended with the request sent and unanswered. */
    private IpcException lost(int op, IpcException ended) {
        return op == OP_SEND ? unknown("the connection ended before the bridge answered (" + ended.getMessage() + ")")
                : ended;
    }

    private IpcException unknown(String why) {
        return new IpcException(IpcError.OUTCOME_UNKNOWN, object + ": " + why + "; the message may or may not "
                + "have been queued");
    }

    /**
     * Makes the callers waiting for replies check their gates again (the handle's grant was
     * revoked): those refused give up as an interrupted caller does, with the refusal. Never
     * waits.
     */
    void wakeCallers() {
        replies.wakeCallers();
    }

    /** A reply a receive gave up on earlier, if one came. */
    Frame orphan() {
        return replies.orphan();
    }

    /** Keeps a reply for a later receive (it did not fit the caller's buffer). */
    void keep(Frame reply) {
        replies.keep(reply);
    }

    /**
     * Opens the object within the session on this connection (resuming it if it exists).
     *
     * @return the OK reply (OPEN's result first)
     * @throws IpcException as the bridge replied, or as {@link #call}
     */
    Frame openSession(long wait) {
        byte[] list = session.receivedList();
        byte[] args = session.openSessionArgs(list);
        Frame reply = call(OP_OPEN_SESSION, 0, request(args.length, wait).put(args).array(), wait);
        Replies.check(reply, object, (length, priority) -> 0);
        session.settled(list);
        return reply;
    }

    /** Ends the session, listing what this side has: the bridge puts back the rest of its custody. */
    private void endSession(long wait) {
        byte[] list = session.receivedList();
        Frame reply = call(OP_END, 0, request(list.length, wait).put(list).array(), wait);
        Replies.check(reply, object, (length, priority) -> 0);
        session.settled(list);
    }

    /**
     * Closes the connection without losing a message: receives still waiting are cancelled and
     * settled first (a message that comes meanwhile goes to its caller), then messages kept for
     * later receives are sent back to the bridge (at their priorities), then the session ends
     * (over a new connection if this one was lost), then BYE.
     */
    void close() {
        replies.drain(System.nanoTime() + SETTLE_NANOS);
        try {
            endSession(REPLY_NANOS);
        } catch (IpcException lost) {
            if (session.mayHoldMessages()) {
                settleElsewhere(lost);
            }
        } finally {
            connection.close();
        }
    }

    /**
     * This connection could not end the session: a new one opens it again (what the bridge
     * holds and this side does not have goes back) and ends it. If that fails too, the bridge
     * puts the messages back when the session's grace ends.
     */
    private void settleElsewhere(IpcException why) {
        BridgeClient other = null;
        try {
            other = new BridgeClient(session.reconnect(), object, session);
            other.openSession(REPLY_NANOS);
            other.endSession(REPLY_NANOS);
        } catch (IpcException e) {
            LOG.info("{}: could not end the session after {} ({}); the bridge puts back what it holds for it when "
                    + "the session's grace ends", object, why.getMessage(), e.getMessage());
        } finally {
            if (other != null) {
                other.connection.close();
            }
        }
    }
}
