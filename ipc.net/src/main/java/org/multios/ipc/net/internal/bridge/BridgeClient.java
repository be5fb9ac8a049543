package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.net.internal.stream.Reactor;
import org.multios.ipc.net.internal.stream.StreamConnection;
import org.multios.ipc.net.internal.stream.TransferGate;
import org.multios.ipc.net.internal.stream.Waits;
import org.multios.ipc.net.internal.wire.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of a bridge connection: sends requests, matches replies to them by id, and
 * fails every outstanding request when the connection ends. The connection belongs to a
 * {@link ClientSession}: every message a RECEIVE's reply brings is acknowledged at once; closing
 * ends the session listing what is not acknowledged yet, over a new connection if this one was
 * lost, so that what the bridge still holds for this handle goes back and nothing twice.
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
    private final Map<Integer, PendingReply> pending = new ConcurrentHashMap<>();
    /** ACKs sent and not answered: ACK request id to the RECEIVE's id. */
    private final Map<Integer, Integer> acks = new ConcurrentHashMap<>();
    private final Queue<Frame> orphans = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    BridgeClient(StreamConnection connection, String object, ClientSession session) {
        this.connection = connection;
        this.object = object;
        this.session = session;
        connection.deliverTo(this::replied);
        connection.onEnd(this::ended);
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
        return ByteBuffer.allocate(ARGS_OFFSET + argBytes).putInt(session.nextRequest()).putLong(wait);
    }

    /**
     * Sends a request and waits for its reply: as long as the operation's own wait, or
     * {@link #REPLY_NANOS} for one that does not wait at the bridge; then (or when interrupted)
     * cancels it and waits at most {@link #SETTLE_NANOS} for the reply that settles it.
     *
     * @return the reply (OK, or ERROR as the bridge sent it)
     * @throws IpcException CLOSED if the connection ended (a SEND already sent: OUTCOME_UNKNOWN);
     *         INTERRUPTED or TIMEOUT if the caller gave up and the request did nothing (or a
     *         RECEIVE's reply did not come in time: its message goes to the next receive);
     *         OUTCOME_UNKNOWN for a SEND whose cancel was not settled
     */
    Frame call(int op, int priority, byte[] payload, long wait) {
        return call(op, priority, payload, wait, TransferGate.OPEN);
    }

    /** As {@link #call(int, int, byte[], long)}, the request's frame let through by {@code gate}. */
    Frame call(int op, int priority, byte[] payload, long wait, TransferGate gate) {
        int id = ByteBuffer.wrap(payload).getInt(ID_OFFSET);
        PendingReply reply = new PendingReply(op == OP_RECEIVE, gate);
        pending.put(id, reply);
        if (op == OP_RECEIVE) {
            session.receiving();
        }
        try {
            if (!connection.isConnected()) {
                throw IpcException.closed(object + ": " + connection.endReason());
            }
            connection.sendOwned(op, priority, payload, Waits.FOREVER, gate);
        } catch (IpcException notSent) {
            pending.remove(id);
            throw notSent.error() == IpcError.BROKEN_PIPE ? IpcException.closed(object + ": " + connection.endReason())
                    : notSent;
        }
        IpcException gaveUp;
        try {
            Frame f = reply.await(wait == Waits.FOREVER ? Waits.FOREVER : wait == Waits.NEVER ? REPLY_NANOS : wait,
                    true);
            if (f != null && closing && isCancelled(f)) {
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
        cancel(id);
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

    /** Asks the bridge to cancel a request; never waits (a full or ended connection: no cancel). */
    private void cancel(int id) {
        try {
            connection.sendOwned(OP_CANCEL, 0, request(0, Waits.NEVER).putInt(ID_OFFSET, id).array(), Waits.NEVER);
        } catch (IpcException ended) {
            // the connection ended: waiting for the reply learns it
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
        for (PendingReply p : pending.values()) {
            p.wake();
        }
    }

    /** A reply a receive gave up on earlier, if one came. */
    Frame orphan() {
        return orphans.poll();
    }

    /** Keeps a reply for a later receive (it did not fit the caller's buffer). */
    void keep(Frame reply) {
        orphans.add(reply);
    }

    private void replied(Frame reply) {
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
            if (kept && waiter.receive && isMessage(reply)) {
                acknowledge(id);
            }
        }
    }

    /** The message of RECEIVE {@code id} is here: ACK it (reactor thread, never waits; unsent, it is listed later). */
    private void acknowledge(int id) {
        session.received(id);
        ByteBuffer ack = request(4, Waits.NEVER).putInt(id);
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

    private static boolean isMessage(Frame reply) {
        return reply.type() == REPLY_OK && reply.payload().length >= RECEIVE_REPLY_HEADER
                && reply.payload()[RESULT_OFFSET] == 1;
    }

    private void ended() {
        IpcException closed = IpcException.closed(object + ": " + connection.endReason());
        for (PendingReply p : pending.values()) {
            p.fail(closed);
        }
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
        synchronized (orphans) {
            closing = true;
        }
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (Map.Entry<Integer, PendingReply> e : pending.entrySet()) {
            if (e.getValue().receive) {
                cancel(e.getKey());
            }
        }
        for (PendingReply p : pending.values()) {
            if (p.receive) {
                p.settled(deadline);
            }
        }
        Frame kept;
        while ((kept = orphans.poll()) != null && connection.isConnected()) {
            byte[] message = kept.payload();
            int length = message.length - RECEIVE_REPLY_HEADER;
            ByteBuffer send = request(length, Waits.NEVER).put(message, RECEIVE_REPLY_HEADER, length);
            try {
                connection.sendOwned(OP_SEND, kept.priority(), send.array(), Waits.NEVER);
            } catch (IpcException ended) {
                break;
            }
        }
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

    /** The reply one request waits for; a RECEIVE's caller may abandon it. */
    private static final class PendingReply {
        private final boolean receive;
        /** What let the request through: checked again when {@link #wake woken}. */
        private final TransferGate gate;
        private Frame reply;
        private IpcException failure;
        private boolean abandoned;
        private boolean answered;
        private boolean woken;
        /** Why the gate refused the waiting caller once woken; null if it did not. */
        private volatile IpcException refusal;

        PendingReply(boolean receive, TransferGate gate) {
            this.receive = receive;
            this.gate = gate;
        }

        synchronized void wake() {
            woken = true;
            notifyAll();
        }

        /**
         * The reply came: to its caller, or (abandoned) a message in it to {@code orphans}; with
         * no {@code orphans} (the handle is closing) an abandoned message is not taken, so the
         * bridge puts it back when the session ends.
         *
         * @return whether this side has the reply's message now (it must be acknowledged)
         */
        synchronized boolean complete(Frame f, Queue<Frame> orphans) {
            boolean kept = true;
            if (!abandoned) {
                reply = f;
            } else if (orphans != null && isMessage(f)) {
                orphans.add(f);
            } else {
                kept = false;
            }
            answered = true;
            notifyAll();
            return kept;
        }

        synchronized void fail(IpcException why) {
            if (reply == null && failure == null) {
                failure = why;
                notifyAll();
            }
        }

        /**
         * Waits for the reply.
         *
         * @param refusable whether a {@link #wake} makes the gate refuse the wait
         * @return the reply, or null if {@code nanos} passed first or the gate refused (see
         *         {@link #refusal})
         * @throws IpcException the connection ended
         */
        synchronized Frame await(long nanos, boolean refusable) throws InterruptedException {
            Reactor.assertMayBlock("wait for a bridge reply", "a bridge client");
            long deadline = System.nanoTime() + nanos;
            while (reply == null && failure == null) {
                if (woken && refusable) {
                    woken = false;
                    try {
                        gate.check();
                    } catch (IpcException refused) {
                        refusal = refused;
                        return null;
                    }
                }
                if (nanos == Waits.FOREVER) {
                    wait();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return null;
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
            if (reply == null) {
                throw failure;
            }
            return reply;
        }

        /** Waits (not interruptibly) until the request is answered or failed, or the deadline. */
        synchronized void settled(long deadline) {
            Reactor.assertMayBlock("settle a bridge request", "a bridge client");
            boolean interrupted = false;
            long left;
            while (!answered && failure == null && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        /** The caller stops waiting: the reply if it came meanwhile, else null (a late one is kept). */
        synchronized Frame abandon() {
            if (reply == null && receive) {
                abandoned = true;
            }
            return reply;
        }
    }
}
