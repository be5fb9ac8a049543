package org.multios.ipc.net.internal.bridge;

import static org.multios.ipc.net.internal.bridge.BridgeDescriptor.*;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.net.internal.stream.OutputBudget;
import org.multios.ipc.net.internal.wire.Frame;

/**
 * One remote peer's use of a bridge: its connection, the handle it opened as itself (its own
 * caller context, so the object's permissions and the policy apply to its identity), and the
 * requests it sends, answered with their request id. When the connection ends, the peer's
 * handles are released (blocked requests wake with CLOSED).
 *
 * <p>Delivery rules ({@link BridgeDescriptor}): OPEN and SEND run one at a time in arrival
 * order (per-priority FIFO holds as for a local sender), RECEIVE, STATUS and ACK in parallel; a
 * request id seen again while its request runs, or among the last
 * {@value AnsweredRequests#REMEMBERED} answered, is not run again; CANCEL ends a request's
 * wait; a message whose RECEIVE reply is never written (cancelled, or the connection ended
 * first) is put back at its priority ({@link MessageReplies}); in a session
 * ({@link BridgeSessions}) a message whose reply was written stays in custody until the peer
 * ACKs it or the session is resumed, ended or expires; after the peer's BYE the requests
 * already received finish without waiting, their replies are flushed, then the connection
 * closes. The requests themselves run in {@link BridgeOperations}.
 */
final class BridgeConnection {
    private final PeerLink link;
    private final Executor workers;
    private final SerialLane ordered;
    private final int maxInFlight;
    private final Map<Integer, BridgeRequest> inFlight = new ConcurrentHashMap<>();
    private final AnsweredRequests answered = new AnsweredRequests();
    private final WorkerFaults faults = new WorkerFaults();
    private final BridgeOperations operations;
    private final MessageReplies messageReplies;
    private volatile boolean draining;

    /**
     * Serves a peer's connection.
     *
     * @param maxInFlight requests that may run at once; more are answered LIMIT_EXCEEDED
     */
    BridgeConnection(PeerLink link, Executor workers, int maxInFlight) {
        this.link = link;
        this.workers = workers;
        this.ordered = new SerialLane(workers);
        this.maxInFlight = maxInFlight;
        this.operations = new BridgeOperations(this, link, faults);
        this.messageReplies = new MessageReplies(link.bridge(), operations::side);
        link.connection().trackDelivery(messageReplies);
    }

    /**
     * A request arrived (reactor thread, never waits): run it in its lane, cancel, drop a
     * repeat, or refuse it beyond the requests in flight or the workers.
     */
    void request(Frame frame) {
        int id = Replies.id(frame);
        if (frame.payload().length < ARGS_OFFSET) {
            link.connection().close();
            return;
        }
        if (frame.type() == OP_CANCEL) {
            BridgeRequest r = inFlight.get(id);
            if (r != null) {
                link.bridge().hooks().cancelling(id);
                r.cancel();
                link.bridge().hooks().cancelled(id);
            }
            return;
        }
        BridgeSession s = operations.session();
        // running, or answered lately (a remembered answer is sent again), or a message in custody
        if (inFlight.containsKey(id) || answered.repeat(id, this::reply)
                || (frame.type() == OP_RECEIVE && s != null && s.holds(id))) {
            return;
        }
        BridgeRequest r = new BridgeRequest(frame);
        if (inFlight.size() >= maxInFlight) {
            reply(BridgeReply.error(id, new IpcException(IpcError.LIMIT_EXCEEDED, link.bridge() + " runs at most "
                    + maxInFlight + " requests of one connection at once; wait for a reply, then try again"), 0, 0)
                    .frame());
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
            answer(r, BridgeReply.error(id, new IpcException(IpcError.LIMIT_EXCEEDED, link.bridge()
                    + " is serving its maximum of requests at once; try again"), 0, 0));
        }
    }

    /** Sends a reply that carries no message; a peer that left gets none. */
    private void reply(Frame frame) {
        try {
            link.connection().reply(frame.type(), frame.priority(), frame.payload());
        } catch (IpcException gone) {
            // the peer left or was dropped; nobody waits for the answer
        }
    }

    /** The connection's state and the requests in flight, for diagnostics. */
    String describe() {
        return link.connection().describeState() + "; " + inFlight.size() + " requests in flight";
    }

    OutputBudget outputBudget() {
        return link.connection().outputBudget();
    }

    /** Whether a request of the peer is running (the connection is not idle then). */
    boolean busy() {
        return !inFlight.isEmpty();
    }

    /** The peer said BYE (reactor thread): finish without waiting, flush, then close. */
    void peerSaidBye() {
        draining = true;
        link.bridge().hooks().peerBye();
        inFlight.values().forEach(BridgeRequest::interrupt);
        closeIfDrained();
    }

    /** Whether the peer said BYE: requests do not wait any more. */
    boolean draining() {
        return draining;
    }

    private void closeIfDrained() {
        if (draining && inFlight.isEmpty()) {
            link.connection().close();
        }
    }

    /** The connection ended: its session's grace starts, the peer's handles go. */
    void ended() {
        BridgeSession s = operations.session();
        if (s != null) {
            link.bridge().sessions().detach(s, this);
        }
        link.bridge().release(link.peer());
    }

    void close() {
        link.connection().close();
    }

    /** Breaks the peer's connection off with an error it is told of. */
    void refuse(IpcError error, String reason) {
        link.connection().refuse(error, reason);
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
        IpcException why = faults.caught(e, handleName(), operations.port());
        if (faults.isCorrupted()) {
            operations.closePort();
        }
        if (!r.isAnswered()) {
            answer(r, BridgeReply.error(r.id(), why, 0, 0));
            return;
        }
        inFlight.remove(r.id());
        link.connection().refuse(why.error(), why.getMessage());
    }

    private void serve(BridgeRequest r) {
        Frame frame = r.frame();
        int id = r.id();
        if (!r.start()) {
            r.finish();
            answer(r, BridgeReply.cancelled(id));
            return;
        }
        BridgeReply reply = operations.run(r);
        try {
            link.bridge().hooks().beforeReply(frame.type(), id);
        } catch (Error e) {
            reply = afterOperation(r, reply, e);
        }
        if (reply.carriesMessage() && r.isCancelled()) {
            messageReplies.withdraw(reply);
            reply = BridgeReply.cancelled(id);
        }
        answer(r, reply);
    }

    /**
     * An Error surfaced after the operation produced its reply, before it went out: a fault of
     * another object's mapping leaves the operation's reply standing (the message taken is
     * delivered, not lost); a fault of the handle's own mapping closes it and is answered.
     */
    private BridgeReply afterOperation(BridgeRequest r, BridgeReply reply, Error e) {
        IpcException why = faults.caught(e, handleName(), operations.port());
        if (!faults.isCorrupted() && MappedFault.isMappedAccessFault(e)) {
            return reply;
        }
        if (faults.isCorrupted()) {
            operations.closePort();
        }
        if (reply.carriesMessage()) {
            messageReplies.withdraw(reply);
        }
        return BridgeReply.error(r.id(), why, 0, 0);
    }

    private String handleName() {
        BridgeServer bridge = link.bridge();
        return bridge.exportedType().label() + " '" + bridge.exportedName() + "' (the handle of " + bridge + " for "
                + link.peer().process() + ")";
    }

    /** Sends a request's one reply; a message that cannot go out is put back. */
    private void answer(BridgeRequest r, BridgeReply reply) {
        r.answering();
        Frame frame = reply.frame();
        if (reply.carriesMessage()) {
            messageReplies.handingOver(r.id(), frame, reply.custody());
        }
        answered.remember(r.id(), r.frame().type() == OP_RECEIVE ? null : frame);
        try {
            link.connection().reply(frame.type(), frame.priority(), frame.payload());
        } catch (IpcException gone) {
            messageReplies.undelivered(frame);
        } finally {
            inFlight.remove(r.id());
            link.bridge().hooks().replied(r.frame().type(), r.id());
            closeIfDrained();
        }
    }
}
