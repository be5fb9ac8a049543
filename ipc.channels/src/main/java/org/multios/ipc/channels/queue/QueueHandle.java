package org.multios.ipc.channels.queue;

import static org.multios.ipc.channels.queue.QueueDescriptor.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
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
import org.multios.ipc.channels.ring.InPlacePort;
import org.multios.ipc.channels.ring.PortGate;
import org.multios.ipc.channels.ring.PriorityRing;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueAttributes;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueListener;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;

/**
 * A caller's handle on a named queue: the rights granted at open, tested by each operation and
 * again at every pass of a wait, the non-blocking flag, and at most one listener registration.
 * Sending and receiving go straight to the queue's {@link PriorityRing}. A wait first idles as
 * its {@link WaitStrategy} says (this handle's override, or the queue's), checking rights,
 * closing, interruption and the deadline at every pass; then, unless it spins for good, it counts
 * itself in as a sleeper and sleeps in the kernel in slices of {@link Futex#MAX_SLICE_NANOS},
 * checking the same between them. Revoking the grant wakes the queue's sleepers, so this handle's fail with
 * PERMISSION_DENIED.
 */
final class QueueHandle extends GuardedHandle implements MessageQueue, PortGate {
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    /** A receiver that spins looks for messages of dead senders every this many passes plus one. */
    private static final int SWEEP_PASSES = 1023;

    private final MessageQueueMechanism mechanism;
    private final QueueSession session;
    private final QueueFile file;
    private final PriorityRing ring;
    private final MappedRegion region;
    private final long sender;
    private final long senderPid;
    private volatile boolean nonBlocking;
    private volatile QueueWatcher watcher;
    private volatile long sliceNanos = Futex.MAX_SLICE_NANOS;
    private volatile WaitStrategy waitOverride;
    private final SpinHistory sendSpins = new SpinHistory();
    private final SpinHistory receiveSpins = new SpinHistory();
    private final InPlacePort inPlace;

    QueueHandle(MessageQueueMechanism mechanism, QueueSession session, QueueFile file, Grant grant,
            boolean nonBlocking) {
        super(session.caller(), session.gate(), grant);
        this.mechanism = mechanism;
        this.session = session;
        this.file = file;
        this.ring = file.ring();
        this.region = file.region();
        this.nonBlocking = nonBlocking;
        var process = session.caller().process();
        this.sender = PriorityRing.sender(process.kind(), process.id());
        this.senderPid = process.pid();
        this.inPlace = new InPlacePort(this, ring, ring, sender, senderPid, file.displayName());
        file.count(HANDLES, 1);
        grant.onRevoke(this::revoked);
    }

    /** At revocation: the listener registration ends, and the queue's sleepers wake to re-check. */
    private void revoked() {
        synchronized (this) {
            QueueWatcher w = watcher;
            if (w != null) {
                w.stop();
            }
        }
        ring.wakeAll();
    }

    QueueFile file() {
        return file;
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
        return "handle on " + file.displayName();
    }

    @Override
    protected void countDenial(int right) {
        file.count(DENIALS, 1);
    }

    /** A fault of the mapping (its file truncated under it) closes the handle: {@link MappedFault}. */
    @Override
    protected IpcException mappingFault(Error e) {
        return MappedFault.diagnose(e, region, describe());
    }

    private void checkRange(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < 0 || off > b.length - len) {
            throw IpcException.invalidArgument(file.displayName() + ": range of " + len + " bytes at " + off
                    + " is outside the array" + (b == null ? " (null)" : " of " + b.length + " bytes"));
        }
    }

    private static long deadline(Duration timeout, String what) {
        if (timeout == null || timeout.isNegative()) {
            throw IpcException.invalidArgument(what + ": timeout " + timeout + " must be zero or positive");
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException longerThanCenturies) {
            return NO_DEADLINE;
        }
        long now = System.nanoTime();
        return nanos > NO_DEADLINE - now ? NO_DEADLINE : now + nanos;
    }

    private IpcException wouldBlock(String operation) {
        return new IpcException(IpcError.WOULD_BLOCK, operation + " on " + file.displayName()
                + " would block and the handle is non-blocking");
    }

    /**
     * The checks of a pass of a wait that has not counted itself in as a sleeper (it spins, yields
     * or parks briefly, as its {@link WaitStrategy} says): rights, closing, interruption, deadline.
     */
    private void checkPass(int right, String operation, long deadline, String call) {
        require(right, operation);
        if (Thread.interrupted()) {
            throw IpcException.interrupted(call, file.displayName());
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            file.count(TIMEOUTS, 1);
            throw IpcException.timeout(call, file.displayName());
        }
    }

    @Override
    public WaitStrategy waitStrategy() {
        WaitStrategy override = waitOverride;
        return override != null ? override : file.waitStrategy();
    }

    @Override
    public void setWaitStrategy(WaitStrategy strategy) {
        checkOpen();
        waitOverride = strategy;
    }

    /**
     * Sleeps on a futex word of the ring for at most one slice and never past the deadline.
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
            ring.awaitMessage(sequence, slice);
        } else {
            ring.awaitSpace(sequence, slice);
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
        send(b, off, len, null, priority, deadline(timeout, file.displayName()), true);
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
        send(null, 0, 0, requireBuffer(src, false), priority, deadline(timeout, file.displayName()), true);
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
            if (nonBlocking) {
                throw wouldBlock("send");
            }
            file.count(WAITS, 1);
            WaitStrategy strategy = waitStrategy();
            long start = WaitLoop.start(strategy);
            long budget = sendSpins.budgetNanos(strategy);
            for (int pass = 0;; pass++) {
                checkPass(Rights.WRITE, "send to", deadline, "send");
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
            ring.sendersSleeping(1);
            try {
                while (true) {
                    // the sequence first: closing and revoking bump it
                    int sequence = ring.spaceSequence();
                    require(Rights.WRITE, "send to");
                    if (offer(b, off, len, src, priority)) {
                        sent = true;
                        sendSpins.slept(strategy, start);
                        return true;
                    }
                    if (!sleep(false, sequence, deadline, "send")) {
                        file.count(TIMEOUTS, 1);
                        throw IpcException.timeout("send", file.displayName());
                    }
                }
            } finally {
                ring.sendersSleeping(-1);
                if (!sent) {
                    ring.passOnSpace();
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
            r = src == null ? ring.offer(b, off, len, priority, sender, senderPid)
                    : ring.offer(src, priority, sender, senderPid);
        } finally {
            endStep();
        }
        if (r < 0) {
            return false;
        }
        published(len);
        return true;
    }

    /** The priority is valid and the length within the queue's maximum message size. */
    private void checkLimits(int len, int priority) {
        Priority.requireValid(priority, file.displayName());
        if (len > file.maxMessageSize()) {
            file.count(ERRORS, 1);
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, file.displayName() + ": a message of " + len
                    + " bytes exceeds its maximum message size of " + file.maxMessageSize() + " bytes");
        }
    }

    /** Every send that published a message, copied or claimed, ends here. */
    @Override
    public void published(int length) {
        file.sent(length);
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
        return receive(buf, off, len, null, info, deadline(timeout, file.displayName()), true);
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
        return receive(null, 0, 0, requireBuffer(dst, true), info, deadline(timeout, file.displayName()), true);
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
        int r = poll(buf, off, len, dst, out);
        if (r != PriorityRing.EMPTY) {
            return r;
        }
        if (!wait) {
            return NO_MESSAGE;
        }
        if (nonBlocking) {
            throw wouldBlock("receive");
        }
        file.count(WAITS, 1);
        WaitStrategy strategy = waitStrategy();
        long start = WaitLoop.start(strategy);
        long budget = receiveSpins.budgetNanos(strategy);
        for (int pass = 0;; pass++) {
            checkPass(Rights.READ, "receive from", deadline, "receive");
            r = poll(buf, off, len, dst, out);
            if (r != PriorityRing.EMPTY) {
                receiveSpins.paidOff(strategy);
                return r;
            }
            if ((pass & SWEEP_PASSES) == SWEEP_PASSES) {
                ring.sweepIfDue();
            }
            if (!WaitLoop.idle(strategy, pass, start, budget)) {
                receiveSpins.ranOut(strategy);
                break;
            }
        }
        ring.receiversSleeping(1);
        boolean took = false;
        try {
            while (true) {
                // the sequence first: closing and revoking bump it
                int sequence = ring.availableSequence();
                require(Rights.READ, "receive from");
                r = poll(buf, off, len, dst, out);
                if (r != PriorityRing.EMPTY) {
                    took = true;
                    receiveSpins.slept(strategy, start);
                    return r;
                }
                ring.sweepIfDue();
                if (!sleep(true, sequence, deadline, "receive")) {
                    file.count(TIMEOUTS, 1);
                    throw IpcException.timeout("receive", file.displayName());
                }
            }
        } finally {
            ring.receiversSleeping(-1);
            if (!took) {
                ring.passOnMessage(); // too large for this one, closed, revoked, timed out or interrupted
            }
        }
    }

    /**
     * One attempt, inside the grant's step gate: the length received, EMPTY, or
     * MESSAGE_TOO_LARGE thrown.
     */
    private int poll(byte[] buf, int off, int len, ByteBuffer dst, MessageInfo out) {
        if (ring.isEmpty()) {
            return PriorityRing.EMPTY; // nothing to take, no step: a spinning receiver pays no gate per pass
        }
        int r;
        beginStep(Rights.READ, "receive from");
        try {
            r = dst == null ? ring.poll(buf, off, len, out) : ring.poll(dst, out);
        } finally {
            endStep();
        }
        if (r >= 0) {
            received(out);
            return r;
        }
        if (r == PriorityRing.TOO_LARGE) {
            file.count(ERRORS, 1);
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
        file.received(info.length());
        mechanism.taken(info);
    }

    /** A queue has no peer end: receives never end. */
    @Override
    public boolean peerClosed() {
        return false;
    }

    @Override
    public IpcException peerGone(String operation) {
        return IpcException.closed(describe());
    }

    // ------------------------------------------------------------------ attributes and notification

    @Override
    public QueueAttributes attributes() {
        checkOpen();
        try {
            return MappedFault.passed(new QueueAttributes(file.maxMessageSize(), file.maxMessages(), ring.size(),
                    nonBlocking ? Set.of(QueueFlag.NON_BLOCKING) : Set.of()));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean isNonBlocking() {
        return nonBlocking;
    }

    @Override
    public void setNonBlocking(boolean nonBlocking) {
        checkOpen();
        this.nonBlocking = nonBlocking;
    }

    @Override
    public QueueRegistration register(QueueListener listener) {
        if (listener == null) {
            throw IpcException.invalidArgument(file.displayName() + ": listener must not be null");
        }
        long me = ring.ownerWord();
        synchronized (this) {
            // under the lock that revocation takes to end the registration: one or the other comes first
            require(Rights.READ, "register a listener on");
            if (!region.compareAndSetLong(LISTENER_OWNER, 0, me)) {
                long holder = region.getLongVolatile(LISTENER_OWNER);
                boolean stale = holder != me && holder != 0 && ring.isOwnerDead(holder);
                if (!stale || !region.compareAndSetLong(LISTENER_OWNER, holder, me)) {
                    throw new IpcException(IpcError.BUSY, file.displayName() + " already has a listener (process "
                            + ProcessLiveness.ownerId(holder) + ")");
                }
            }
            QueueWatcher w = new QueueWatcher(this, listener, region, me);
            watcher = w;
            return w.start();
        }
    }

    /** The registration closed. */
    void forget(QueueWatcher w) {
        synchronized (this) {
            if (watcher == w) {
                watcher = null;
            }
        }
    }

    // ------------------------------------------------------------------ identity and closing

    @Override
    public ObjectType type() {
        return ObjectType.QUEUE;
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
            return MappedFault.passed(file.info());
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

    /** Closes the handle: its registration ends and every waiter wakes (and, through it, with CLOSED). */
    @Override
    public void close() {
        if (markClosed()) {
            session.forget(this);
            try {
                QueueWatcher w = watcher;
                if (w != null) {
                    w.close();
                }
                file.count(HANDLES, -1);
                ring.wakeAll();
            } catch (Error e) {
                fault(e); // its file was truncated: closed all the same
            }
        }
    }
}
