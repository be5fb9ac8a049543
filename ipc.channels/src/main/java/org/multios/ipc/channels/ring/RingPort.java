package org.multios.ipc.channels.ring;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.spi.Grant;

/**
 * The one {@link MessagePort} implementation over {@link MessageRing}s ({@link PriorityRing}s, or
 * {@link LaneRing}s for channels of lanes), for queues (one ring, sent to and received from) and
 * channel ends (sends go to the ring received at the other end):
 * the rights granted at open, tested by each operation and again at every pass of a wait;
 * blocking, non-blocking and timed sends and receives straight through the mapped file,
 * allocating nothing when the receiver supplies the buffer; claims, drains and batches
 * ({@link InPlacePort}); the caller's quota of queued messages ({@link PortSession}).
 *
 * <p><b>Waiting.</b> A wait first idles as its {@link WaitStrategy} says (this handle's override,
 * or the object's), checking rights, closing, interruption, the peer and the deadline at every
 * pass; then, unless it spins for good, it counts itself in as a sleeper and sleeps in the kernel
 * until woken or its deadline, checking the same after each sleep (the protocol:
 * {@link RingSignals}). Closing, revoking and a peer's end closing bump the sequences, so a
 * sleeper re-checks at once; an interrupted sleeper is woken by the mechanism's
 * {@link org.multios.ipc.core.mapped.SleeperWatch}. <b>Timeouts</b> follow {@link MessagePort}'s
 * one rule: negative or null is INVALID_ARGUMENT, zero makes one attempt, one too long to
 * represent waits without limit.
 *
 * <p>The checks, the timeout rule and the sleep are {@link PortRules}'; a subclass
 * says where statistics go, what the object's limits are and whether it has a peer.
 */
public abstract class RingPort extends PortRules implements MessagePort {
    /** A receiver that spins looks for messages of dead senders every this many passes plus one. */
    private static final int SWEEP_PASSES = 1023;

    private final long sender;
    private final long senderPid;
    private final InPlacePort inPlace;
    private final SpinHistory sendSpins = new SpinHistory();
    private final SpinHistory receiveSpins = new SpinHistory();

    /**
     * @param outbound the ring sends go to
     * @param inbound  the ring receives take from (the same ring for a queue)
     */
    protected RingPort(PortSession session, Grant grant, MessageRing outbound, MessageRing inbound,
            PortObject object) {
        super(session, grant, outbound, inbound, object);
        var process = session.caller().process();
        this.sender = PriorityRing.sender(process.kind(), process.id());
        this.senderPid = process.pid();
        this.inPlace = new InPlacePort(this, outbound, inbound, sender, senderPid, what);
    }

    // ------------------------------------------------------------------ sending

    @Override
    public final void send(byte[] b, int off, int len, int priority) {
        send(b, off, len, null, priority, NO_DEADLINE, true);
    }

    @Override
    public final boolean trySend(byte[] b, int off, int len, int priority) {
        return send(b, off, len, null, priority, NO_DEADLINE, false);
    }

    @Override
    public final void send(byte[] b, int off, int len, int priority, Duration timeout) {
        send(b, off, len, null, priority, timeoutNanos(timeout), true);
    }

    @Override
    public final void send(ByteBuffer src, int priority) {
        send(null, 0, 0, requireBuffer(src, false), priority, NO_DEADLINE, true);
    }

    @Override
    public final boolean trySend(ByteBuffer src, int priority) {
        return send(null, 0, 0, requireBuffer(src, false), priority, NO_DEADLINE, false);
    }

    @Override
    public final void send(ByteBuffer src, int priority, Duration timeout) {
        send(null, 0, 0, requireBuffer(src, false), priority, timeoutNanos(timeout), true);
    }

    private boolean send(byte[] b, int off, int len, ByteBuffer src, int priority, long timeout, boolean wait) {
        try {
            return MappedFault.passed(sending(b, off, len, src, priority, timeout, wait));
        } catch (Error e) {
            throw fault(e);
        }
    }

    /** @param timeout nanoseconds ({@link #timeoutNanos}), or {@link #NO_DEADLINE}: read only if it waits */
    private boolean sending(byte[] b, int off, int len, ByteBuffer src, int priority, long timeout, boolean wait) {
        require(Rights.WRITE, "send to");
        if (src == null) {
            checkRange(b, off, len);
        } else {
            len = src.remaining();
        }
        checkLimits(len, priority);
        reserveQueued();
        boolean sent = false;
        try {
            if (offer(b, off, len, src, priority)) {
                sent = true;
                return true;
            }
            if (!wait) {
                return false;
            }
            if (nonBlocking()) {
                throw wouldBlock("send");
            }
            long deadline = Deadlines.after(timeout);
            count(true, WAITED);
            WaitStrategy strategy = waitStrategy();
            long start = WaitLoop.start(strategy);
            long budget = sendSpins.budgetNanos(strategy);
            for (int pass = 0;; pass++) {
                checkPass(Rights.WRITE, "send to", true, deadline, "send");
                if (peerClosed()) {
                    throw peerGone("send");
                }
                if (offer(b, off, len, src, priority)) {
                    sendSpins.paidOff(strategy);
                    sent = true;
                    return true;
                }
                if (!WaitLoop.idle(strategy, pass, start, budget)) {
                    sendSpins.ranOut(strategy);
                    break;
                }
            }
            RingSignals signals = outbound.signals();
            signals.sendersSleeping(1);
            try {
                while (true) {
                    // the sequence first: closing, revoking and the peer's end closing bump it
                    int sequence = signals.spaceSequence();
                    require(Rights.WRITE, "send to");
                    if (peerClosed()) {
                        throw peerGone("send");
                    }
                    if (offer(b, off, len, src, priority)
                            || outbound.settleBeforeSleep() && offer(b, off, len, src, priority)) {
                        sent = true;
                        sendSpins.slept(strategy, start);
                        return true;
                    }
                    if (!sleep(false, sequence, deadline, "send")) {
                        count(true, TIMED_OUT);
                        throw IpcException.timeout("send", what);
                    }
                }
            } finally {
                signals.sendersSleeping(-1);
                if (!sent) {
                    signals.passOnSpace();
                }
            }
        } finally {
            if (!sent) {
                releaseQueued();
            }
        }
    }

    /** One attempt, inside a step ({@link #enter}): a revocation or close that returned lets none through. */
    private boolean offer(byte[] b, int off, int len, ByteBuffer src, int priority) {
        int r;
        int token = enter(Rights.WRITE, "send to");
        try {
            r = src == null ? outbound.offer(b, off, len, priority, sender, senderPid)
                    : outbound.offer(src, priority, sender, senderPid);
            if (r >= 0) {
                transferred(true, len, token);
            }
        } finally {
            exit(token);
        }
        if (r < 0) {
            if (r == RingStatus.HELD_BY_THIS_THREAD) {
                throw heldByThisThread(true);
            }
            return false;
        }
        published(len);
        return true;
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public final int receive(byte[] buf, int off, int len, MessageInfo info) {
        return receive(buf, off, len, null, null, info, NO_DEADLINE, true);
    }

    @Override
    public final int tryReceive(byte[] buf, int off, int len, MessageInfo info) {
        return receive(buf, off, len, null, null, info, NO_DEADLINE, false);
    }

    @Override
    public final int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout) {
        return receive(buf, off, len, null, null, info, timeoutNanos(timeout), true);
    }

    @Override
    public final int receive(ByteBuffer dst, MessageInfo info) {
        return receive(null, 0, 0, requireBuffer(dst, true), null, info, NO_DEADLINE, true);
    }

    @Override
    public final int tryReceive(ByteBuffer dst, MessageInfo info) {
        return receive(null, 0, 0, requireBuffer(dst, true), null, info, NO_DEADLINE, false);
    }

    @Override
    public final int receive(ByteBuffer dst, MessageInfo info, Duration timeout) {
        return receive(null, 0, 0, requireBuffer(dst, true), null, info, timeoutNanos(timeout), true);
    }

    @Override
    public final void receive(MessageHandler handler) {
        receive(null, 0, 0, null, requireHandler(handler), null, NO_DEADLINE, true);
    }

    @Override
    public final void receive(MessageHandler handler, Duration timeout) {
        receive(null, 0, 0, null, requireHandler(handler), null, timeoutNanos(timeout), true);
    }

    private MessageHandler requireHandler(MessageHandler handler) {
        if (handler == null) {
            throw IpcException.invalidArgument(what + ": a receive in place needs a handler");
        }
        return handler;
    }

    /** Copies into {@code buf} or {@code dst}, or hands the message to {@code handler} in place. */
    private int receive(byte[] buf, int off, int len, ByteBuffer dst, MessageHandler handler, MessageInfo info,
            long timeout, boolean wait) {
        try {
            return MappedFault.passed(receiving(buf, off, len, dst, handler, info, timeout, wait));
        } catch (Error e) {
            throw fault(e);
        }
    }

    /** @param timeout nanoseconds ({@link #timeoutNanos}), or {@link #NO_DEADLINE}: read only if it waits */
    private int receiving(byte[] buf, int off, int len, ByteBuffer dst, MessageHandler handler, MessageInfo info,
            long timeout, boolean wait) {
        require(Rights.READ, "receive from");
        if (dst != null) {
            len = dst.remaining();
        } else if (handler == null) {
            checkRange(buf, off, len);
        }
        MessageInfo out = info != null ? info : sessions.scratchInfo();
        boolean peerGone = peerClosed();
        int r = poll(buf, off, len, dst, handler, out);
        if (r != RingStatus.EMPTY) {
            return r;
        }
        if (peerGone) {
            throw peerGone("receive");
        }
        if (!wait) {
            return NO_MESSAGE;
        }
        if (nonBlocking()) {
            throw wouldBlock("receive");
        }
        long deadline = Deadlines.after(timeout);
        count(false, WAITED);
        WaitStrategy strategy = waitStrategy();
        long start = WaitLoop.start(strategy);
        long budget = receiveSpins.budgetNanos(strategy);
        for (int pass = 0;; pass++) {
            checkPass(Rights.READ, "receive from", false, deadline, "receive");
            peerGone = peerClosed();
            r = poll(buf, off, len, dst, handler, out);
            if (r != RingStatus.EMPTY) {
                receiveSpins.paidOff(strategy);
                return r;
            }
            if (peerGone) {
                throw peerGone("receive");
            }
            if ((pass & SWEEP_PASSES) == SWEEP_PASSES) {
                inbound.sweepIfDue();
            }
            if (!WaitLoop.idle(strategy, pass, start, budget)) {
                receiveSpins.ranOut(strategy);
                break;
            }
        }
        RingSignals signals = inbound.signals();
        signals.receiversSleeping(1);
        boolean took = false;
        try {
            while (true) {
                // the sequence first: closing, revoking and the peer's end closing bump it
                int sequence = signals.availableSequence();
                require(Rights.READ, "receive from");
                peerGone = peerClosed();
                r = poll(buf, off, len, dst, handler, out);
                if (r == RingStatus.EMPTY && inbound.settleBeforeSleep()) {
                    r = poll(buf, off, len, dst, handler, out);
                }
                if (r != RingStatus.EMPTY) {
                    took = true;
                    receiveSpins.slept(strategy, start);
                    return r;
                }
                if (peerGone) {
                    throw peerGone("receive");
                }
                inbound.sweepIfDue();
                if (!sleep(true, sequence, deadline, "receive")) {
                    count(false, TIMED_OUT);
                    throw IpcException.timeout("receive", what);
                }
            }
        } finally {
            signals.receiversSleeping(-1);
            if (!took) {
                inbound.passOnMessage(); // too large for this one, closed, revoked, timed out or interrupted
            }
        }
    }

    /**
     * One attempt, inside a step ({@link #enter}): the length received (0 for a message handed to
     * {@code handler}, in steps of its own), EMPTY, or MESSAGE_TOO_LARGE thrown.
     */
    private int poll(byte[] buf, int off, int len, ByteBuffer dst, MessageHandler handler, MessageInfo out) {
        if (handler != null) {
            return inPlace.drain(handler, 1) == 1 ? 0 : RingStatus.EMPTY;
        }
        if (inbound.isEmpty()) {
            return RingStatus.EMPTY; // nothing to take, no step: a spinning receiver pays no gate per pass
        }
        int r;
        int token = enter(Rights.READ, "receive from");
        try {
            r = dst == null ? inbound.poll(buf, off, len, out) : inbound.poll(dst, out);
            if (r >= 0) {
                transferred(false, out.length(), token);
            }
        } finally {
            exit(token);
        }
        if (r >= 0) {
            received(out);
            return r;
        }
        if (r == RingStatus.HELD_BY_THIS_THREAD) {
            throw heldByThisThread(false);
        }
        if (r == RingStatus.TOO_LARGE) {
            count(false, FAILED);
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, what + ": the next message has "
                    + out.length() + " bytes, more than the " + len + " bytes offered; it stays queued");
        }
        return r;
    }

    // ------------------------------------------------------------------ in place and batches

    @Override
    public final MessageClaim tryClaim(int length, int priority) {
        try {
            return MappedFault.passed(inPlace.tryClaim(length, priority));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public final int trySend(ByteBuffer[] messages, int offset, int count, int priority) {
        try {
            return MappedFault.passed(inPlace.trySend(messages, offset, count, priority));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public final boolean tryReceive(MessageHandler handler) {
        try {
            return MappedFault.passed(inPlace.drain(handler, 1) == 1);
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public final int drain(MessageHandler handler, int max) {
        try {
            return MappedFault.passed(inPlace.drain(handler, max));
        } catch (Error e) {
            throw fault(e);
        }
    }

    // ------------------------------------------------------------------ identity

    @Override
    public final long id() {
        return object.id();
    }

    @Override
    public final Optional<String> name() {
        return object.name();
    }

    @Override
    public final void setPermissions(Permissions permissions) {
        require(Rights.ADMIN, "change the permissions of");
        if (permissions == null) {
            throw IpcException.invalidArgument(what + ": permissions must not be null");
        }
        object.setPermissions(permissions);
    }

    /**
     * Closes the handle: once marked closed it waits for its steps under way
     * ({@link org.multios.ipc.core.step.StepGuard#drain}: none transfers anything after close
     * returns), leaves its session, then {@link #closed()} ends what the object holds. A close
     * racing another waits for the steps too, as a second revocation does.
     */
    @Override
    public final void close() {
        if (closeSteps()) {
            session.forget(this);
            try {
                closed();
            } catch (Error e) {
                fault(e); // its file was truncated under the mapping: closed all the same
            }
        }
    }

    /**
     * Wakes this handle's waiters as {@link #wakeWaiters()} does, for a session closing: a fault
     * of a truncated mapping closes the handle instead of escaping.
     */
    final void wakeWaitersClosing() {
        try {
            wakeWaiters();
            MappedFault.deliverPending();
        } catch (Error e) {
            fault(e); // its file was truncated under the mapping: the handle closed
        }
    }

    /**
     * A fault of the mapping (its file truncated under it) is CORRUPTED and closes the handle
     * ({@link MappedFault}); every operation on the rings above ends in {@link MappedFault#passed}
     * inside a {@code try} whose {@code catch (Error)} hands the error to {@link #fault}.
     */
    @Override
    protected final IpcException mappingFault(Error e) {
        return MappedFault.diagnose(e, outbound.region(), describe());
    }

    /** Called once, when the handle closed: the object's counts, and its waiters woken (to see CLOSED). */
    protected abstract void closed();
}
