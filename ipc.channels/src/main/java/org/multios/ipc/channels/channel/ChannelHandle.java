package org.multios.ipc.channels.channel;

import static org.multios.ipc.channels.channel.ChannelDescriptor.DENIALS;
import static org.multios.ipc.channels.channel.ChannelDescriptor.ERRORS;
import static org.multios.ipc.channels.channel.ChannelDescriptor.TIMEOUTS;
import static org.multios.ipc.channels.channel.ChannelDescriptor.WAITS;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntConsumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Priority;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.InPlacePort;
import org.multios.ipc.channels.ring.PortGate;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;

/**
 * A caller's handle on one end of a channel: the rights granted at open, tested by each
 * operation and again at every pass of a wait (revoking them wakes the channel's sleepers, so
 * this handle's fail with PERMISSION_DENIED). Sends go to the ring received at the other end,
 * receives take from the ring of this end; both straight through the mapped file, allocating
 * nothing when the receiver supplies the buffer. A wait first idles as its {@link WaitStrategy}
 * says (this handle's override, or the channel's), checking rights, closing, interruption and the
 * deadline at every pass; then, unless it spins for good, it counts itself in as a sleeper and
 * sleeps in the kernel in slices of {@link Futex#MAX_SLICE_NANOS}, checking the same between
 * them (the protocol: {@link PriorityRing}). {@link #info()} reports the direction this end
 * receives: messages sent to it, received by it, its depth, and the handles on this end.
 */
final class ChannelHandle extends GuardedHandle implements ChannelEnd, PortGate {
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    /** A receiver that spins looks for messages of dead senders every this many passes plus one. */
    private static final int SWEEP_PASSES = 1023;

    private final ChannelMechanism mechanism;
    private final ChannelSession session;
    private final ChannelFile file;
    private final ChannelSide side;
    private final ChannelSide peer;
    private final PriorityRing inbound;
    private final PriorityRing outbound;
    private final AnonymousChannel anonymous;
    private final long sender;
    private final long senderPid;
    private volatile long sliceNanos = Futex.MAX_SLICE_NANOS;
    private volatile WaitStrategy waitOverride;
    private final SpinHistory sendSpins = new SpinHistory();
    private final SpinHistory receiveSpins = new SpinHistory();
    private final InPlacePort inPlace;

    ChannelHandle(ChannelMechanism mechanism, ChannelSession session, ChannelFile file, ChannelSide side,
            Grant grant, AnonymousChannel anonymous) {
        super(session.caller(), session.gate(), grant);
        this.mechanism = mechanism;
        this.session = session;
        this.file = file;
        this.side = side;
        this.peer = side.opposite();
        this.inbound = file.ring(side);
        this.outbound = file.ring(peer);
        this.anonymous = anonymous;
        var process = session.caller().process();
        this.sender = PriorityRing.sender(process.kind(), process.id());
        this.senderPid = process.pid();
        this.inPlace = new InPlacePort(this, outbound, inbound, sender, senderPid, file.displayName());
        file.handles(side, 1);
        grant.onRevoke(file::wakeAll);
    }

    /**
     * Sets the longest single sleep of this handle's waits (tests only: a slice longer than a
     * test's patience makes a lost wake-up fail the test instead of costing one slice).
     */
    void sliceNanos(long nanos) {
        this.sliceNanos = nanos;
    }

    /** Sets a hook called inside each send and receive step (tests only). */
    void hook(IntConsumer hook) {
        stepHook(hook);
    }

    // ------------------------------------------------------------------ checks

    @Override
    public String describe() {
        return "handle on end " + side + " of " + file.displayName();
    }

    /** A refused send counts at the receiving end, whose statistics show what came to it. */
    @Override
    protected void countDenial(int right) {
        file.count(right == Rights.WRITE ? peer : side, DENIALS, 1);
    }

    /** A fault of the mapping (its file truncated under it) closes the handle: {@link MappedFault}. */
    @Override
    protected IpcException mappingFault(Error e) {
        return MappedFault.diagnose(e, file.region(), describe());
    }

    private void checkRange(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < 0 || off > b.length - len) {
            throw IpcException.invalidArgument(file.displayName() + ": range of " + len + " bytes at " + off
                    + " is outside the array" + (b == null ? " (null)" : " of " + b.length + " bytes"));
        }
    }

    private ByteBuffer requireBuffer(ByteBuffer buffer, boolean writable) {
        if (buffer == null) {
            throw IpcException.invalidArgument(file.displayName() + ": buffer must not be null");
        }
        if (writable && buffer.isReadOnly()) {
            throw IpcException.invalidArgument(file.displayName() + ": cannot receive into a read-only buffer");
        }
        return buffer;
    }

    /** A zero or negative timeout makes one attempt; one too long to represent waits without limit. */
    private long deadline(Duration timeout) {
        if (timeout == null) {
            throw IpcException.invalidArgument(file.displayName() + ": timeout must not be null");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return System.nanoTime();
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return NO_DEADLINE;
        }
        long now = System.nanoTime();
        return nanos > NO_DEADLINE - now ? NO_DEADLINE : now + nanos;
    }

    @Override
    public boolean peerClosed() {
        return anonymous != null && file.isEndClosed(peer);
    }

    @Override
    public IpcException peerGone(String operation) {
        return new IpcException(IpcError.CLOSED, operation + " on end " + side + " of " + file.displayName()
                + ": end " + peer + " is closed");
    }

    /**
     * The checks of a pass of a wait that has not counted itself in as a sleeper (it spins, yields
     * or parks briefly, as its {@link WaitStrategy} says): rights, closing, interruption, deadline.
     */
    private void checkPass(int right, String operation, ChannelSide receiver, long deadline, String call) {
        require(right, operation);
        if (Thread.interrupted()) {
            throw IpcException.interrupted(call, file.displayName());
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            file.count(receiver, TIMEOUTS, 1);
            throw IpcException.timeout(call, file.displayName());
        }
    }

    /**
     * Sleeps on a futex word for at most one slice and never past the deadline.
     *
     * @return false if the deadline has passed
     */
    private boolean sleep(boolean forMessage, int sequence, long deadline, String operation) {
        checkOpen();
        if (Thread.interrupted()) {
            throw IpcException.interrupted(operation, file.displayName());
        }
        long slice = sliceNanos;
        long remaining = deadline == NO_DEADLINE ? slice : deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        slice = Math.min(remaining, slice);
        if (forMessage) {
            inbound.awaitMessage(sequence, slice);
        } else {
            outbound.awaitSpace(sequence, slice);
        }
        return true;
    }

    // ------------------------------------------------------------------ sending

    @Override
    public void send(byte[] b, int off, int len, int priority) {
        send(b, off, len, null, priority, NO_DEADLINE, true);
    }

    @Override
    public boolean trySend(byte[] b, int off, int len, int priority) {
        return send(b, off, len, null, priority, NO_DEADLINE, false);
    }

    @Override
    public void send(byte[] b, int off, int len, int priority, Duration timeout) {
        send(b, off, len, null, priority, deadline(timeout), true);
    }

    @Override
    public void send(ByteBuffer src, int priority) {
        send(null, 0, 0, requireBuffer(src, false), priority, NO_DEADLINE, true);
    }

    @Override
    public boolean trySend(ByteBuffer src, int priority) {
        return send(null, 0, 0, requireBuffer(src, false), priority, NO_DEADLINE, false);
    }

    @Override
    public void send(ByteBuffer src, int priority, Duration timeout) {
        send(null, 0, 0, requireBuffer(src, false), priority, deadline(timeout), true);
    }

    private boolean send(byte[] b, int off, int len, ByteBuffer src, int priority, long deadline, boolean wait) {
        try {
            return MappedFault.passed(sending(b, off, len, src, priority, deadline, wait));
        } catch (Error e) {
            throw fault(e);
        }
    }

    private boolean sending(byte[] b, int off, int len, ByteBuffer src, int priority, long deadline, boolean wait) {
        require(Rights.WRITE, "send to");
        if (src == null) {
            checkRange(b, off, len);
        } else {
            len = src.remaining();
        }
        checkLimits(len, priority);
        session.reserveQueued();
        boolean sent = false;
        try {
            if (offer(b, off, len, src, priority)) {
                sent = true;
                return true;
            }
            if (!wait) {
                return false;
            }
            file.count(peer, WAITS, 1);
            WaitStrategy strategy = waitStrategy();
            long start = WaitLoop.start(strategy);
            long budget = sendSpins.budgetNanos(strategy);
            for (int pass = 0;; pass++) {
                checkPass(Rights.WRITE, "send to", peer, deadline, "send");
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
            outbound.sendersSleeping(1);
            try {
                while (true) {
                    // the sequence first: closing, revoking and the peer's end closing bump it
                    int sequence = outbound.spaceSequence();
                    require(Rights.WRITE, "send to");
                    if (peerClosed()) {
                        throw peerGone("send");
                    }
                    if (offer(b, off, len, src, priority)) {
                        sent = true;
                        sendSpins.slept(strategy, start);
                        return true;
                    }
                    if (!sleep(false, sequence, deadline, "send")) {
                        file.count(peer, TIMEOUTS, 1);
                        throw IpcException.timeout("send", file.displayName());
                    }
                }
            } finally {
                outbound.sendersSleeping(-1);
                if (!sent) {
                    outbound.passOnSpace();
                }
            }
        } finally {
            if (!sent) {
                session.releaseQueued();
            }
        }
    }

    /** One attempt, inside the grant's step gate: a revocation that returned lets none through. */
    private boolean offer(byte[] b, int off, int len, ByteBuffer src, int priority) {
        int r;
        beginStep(Rights.WRITE, "send to");
        try {
            r = src == null ? outbound.offer(b, off, len, priority, sender, senderPid)
                    : outbound.offer(src, priority, sender, senderPid);
        } finally {
            endStep();
        }
        if (r < 0) {
            return false;
        }
        published(len);
        return true;
    }

    /** The priority is valid, the length within the maximum message size, and the other end open. */
    private void checkLimits(int len, int priority) {
        Priority.requireValid(priority, file.displayName());
        if (len > file.options().maxMessageSize()) {
            file.count(peer, ERRORS, 1);
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, file.displayName() + ": a message of " + len
                    + " bytes exceeds its maximum message size of " + file.options().maxMessageSize() + " bytes");
        }
        if (peerClosed()) {
            throw peerGone("send");
        }
    }

    /** Every send that published a message, copied or claimed, ends here. */
    @Override
    public void published(int length) {
        file.sent(peer, length);
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public int receive(byte[] buf, int off, int len, MessageInfo info) {
        return receive(buf, off, len, null, info, NO_DEADLINE, true);
    }

    @Override
    public int tryReceive(byte[] buf, int off, int len, MessageInfo info) {
        return receive(buf, off, len, null, info, NO_DEADLINE, false);
    }

    @Override
    public int receive(byte[] buf, int off, int len, MessageInfo info, Duration timeout) {
        return receive(buf, off, len, null, info, deadline(timeout), true);
    }

    @Override
    public int receive(ByteBuffer dst, MessageInfo info) {
        return receive(null, 0, 0, requireBuffer(dst, true), info, NO_DEADLINE, true);
    }

    @Override
    public int tryReceive(ByteBuffer dst, MessageInfo info) {
        return receive(null, 0, 0, requireBuffer(dst, true), info, NO_DEADLINE, false);
    }

    @Override
    public int receive(ByteBuffer dst, MessageInfo info, Duration timeout) {
        return receive(null, 0, 0, requireBuffer(dst, true), info, deadline(timeout), true);
    }

    private int receive(byte[] buf, int off, int len, ByteBuffer dst, MessageInfo info, long deadline,
            boolean wait) {
        try {
            return MappedFault.passed(receiving(buf, off, len, dst, info, deadline, wait));
        } catch (Error e) {
            throw fault(e);
        }
    }

    private int receiving(byte[] buf, int off, int len, ByteBuffer dst, MessageInfo info, long deadline,
            boolean wait) {
        require(Rights.READ, "receive from");
        if (dst == null) {
            checkRange(buf, off, len);
        } else {
            len = dst.remaining();
        }
        MessageInfo out = info != null ? info : mechanism.scratchInfo();
        boolean peerGone = peerClosed();
        int r = poll(buf, off, len, dst, out);
        if (r != PriorityRing.EMPTY) {
            return r;
        }
        if (peerGone) {
            throw peerGone("receive");
        }
        if (!wait) {
            return NO_MESSAGE;
        }
        file.count(side, WAITS, 1);
        WaitStrategy strategy = waitStrategy();
        long start = WaitLoop.start(strategy);
        long budget = receiveSpins.budgetNanos(strategy);
        for (int pass = 0;; pass++) {
            checkPass(Rights.READ, "receive from", side, deadline, "receive");
            peerGone = peerClosed();
            r = poll(buf, off, len, dst, out);
            if (r != PriorityRing.EMPTY) {
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
        inbound.receiversSleeping(1);
        boolean took = false;
        try {
            while (true) {
                // the sequence first: closing, revoking and the peer's end closing bump it
                int sequence = inbound.availableSequence();
                require(Rights.READ, "receive from");
                peerGone = peerClosed();
                r = poll(buf, off, len, dst, out);
                if (r != PriorityRing.EMPTY) {
                    took = true;
                    receiveSpins.slept(strategy, start);
                    return r;
                }
                if (peerGone) {
                    throw peerGone("receive");
                }
                inbound.sweepIfDue();
                if (!sleep(true, sequence, deadline, "receive")) {
                    file.count(side, TIMEOUTS, 1);
                    throw IpcException.timeout("receive", file.displayName());
                }
            }
        } finally {
            inbound.receiversSleeping(-1);
            if (!took) {
                inbound.passOnMessage(); // too large for this one, closed, revoked, timed out or interrupted
            }
        }
    }

    /** One attempt: the length received, EMPTY, or MESSAGE_TOO_LARGE thrown. */
    private int poll(byte[] buf, int off, int len, ByteBuffer dst, MessageInfo out) {
        if (inbound.isEmpty()) {
            return PriorityRing.EMPTY; // nothing to take, no step: a spinning receiver pays no gate per pass
        }
        int r;
        beginStep(Rights.READ, "receive from");
        try {
            r = dst == null ? inbound.poll(buf, off, len, out) : inbound.poll(dst, out);
        } finally {
            endStep();
        }
        if (r >= 0) {
            received(out);
            return r;
        }
        if (r == PriorityRing.TOO_LARGE) {
            file.count(side, ERRORS, 1);
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, file.displayName() + ": the next message has "
                    + out.length() + " bytes, more than the " + len + " bytes offered; it stays queued");
        }
        return r;
    }

    // ------------------------------------------------------------------ in place and batches

    @Override
    public MessageClaim tryClaim(int length, int priority) {
        try {
            return MappedFault.passed(inPlace.tryClaim(length, priority));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public int trySend(ByteBuffer[] messages, int offset, int count, int priority) {
        try {
            return MappedFault.passed(inPlace.trySend(messages, offset, count, priority));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean tryReceive(MessageHandler handler) {
        try {
            return MappedFault.passed(inPlace.drain(handler, 1) == 1);
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public int drain(MessageHandler handler, int max) {
        try {
            return MappedFault.passed(inPlace.drain(handler, max));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void checkSend(int length, int priority) {
        require(Rights.WRITE, "send to");
        if (length < 0) {
            throw IpcException.invalidArgument(file.displayName() + ": a message cannot have " + length + " bytes");
        }
        checkLimits(length, priority);
    }

    @Override
    public void checkReceive() {
        require(Rights.READ, "receive from");
    }

    @Override
    public void beginTransfer(int right) {
        beginStep(right, right == Rights.WRITE ? "send to" : "receive from");
    }

    @Override
    public void endTransfer() {
        endStep();
    }

    @Override
    public void reserveQueued() {
        session.reserveQueued();
    }

    @Override
    public void releaseQueued() {
        session.releaseQueued();
    }

    @Override
    public void received(MessageInfo info) {
        file.received(side, info.length());
        mechanism.taken(info);
    }

    // ------------------------------------------------------------------ the end

    @Override
    public ChannelSide side() {
        return side;
    }

    @Override
    public ChannelOptions options() {
        return file.options();
    }

    @Override
    public int pendingMessages() {
        checkOpen();
        return inbound.size();
    }

    @Override
    public WaitStrategy waitStrategy() {
        WaitStrategy override = waitOverride;
        return override != null ? override : file.options().waitStrategy();
    }

    @Override
    public void setWaitStrategy(WaitStrategy strategy) {
        checkOpen();
        waitOverride = strategy;
    }

    @Override
    public boolean isPeerClosed() {
        return peerClosed();
    }

    // ------------------------------------------------------------------ identity and closing

    @Override
    public ObjectType type() {
        return ObjectType.CHANNEL;
    }

    @Override
    public long id() {
        return file.id();
    }

    @Override
    public Optional<String> name() {
        return file.name();
    }

    @Override
    public ObjectInfo info() {
        try {
            return MappedFault.passed(file.info(side));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void setPermissions(Permissions permissions) {
        require(Rights.ADMIN, "change the permissions of");
        if (permissions == null) {
            throw IpcException.invalidArgument(file.displayName() + ": permissions must not be null");
        }
        file.setPermissions(permissions);
    }

    /** Wakes every waiter of the channel so that each re-checks (this handle's wake with CLOSED). */
    void wakeWaiters() {
        file.wakeAll();
    }

    /**
     * Closes the handle: its waiters wake with CLOSED; if it was the last handle on an end of an
     * anonymous channel, that end closes for good.
     */
    @Override
    public void close() {
        if (markClosed()) {
            session.forget(this);
            try {
                int left = file.handles(side, -1);
                if (anonymous != null && left <= 0) {
                    anonymous.endClosed(side);
                } else {
                    file.wakeAll();
                }
            } catch (Error e) {
                fault(e); // its file was truncated: closed all the same
            }
        }
    }
}
