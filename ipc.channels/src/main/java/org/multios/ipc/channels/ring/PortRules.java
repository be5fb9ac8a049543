package org.multios.ipc.channels.ring;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.IntConsumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.Priority;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.Waiting;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.core.step.SteppedHandle;
import org.multios.ipc.spi.Grant;

/**
 * What every operation of a {@link RingPort} checks, and how its waits sleep, in one place: the
 * argument checks, {@link MessagePort}'s timeout rule ({@link #deadline}), the checks of each
 * pass of a wait, a sleep on a ring's futex (through the mechanism's watch), the object's
 * limits, the steps of every transfer ({@link #enter}, {@link #exit}) and the gate that
 * {@link InPlacePort} borrows. A subclass says where statistics go and what the object's limits
 * and peer are.
 *
 * <p><b>Steps.</b> Every attempt that moves a message (an offer, a take, a claim, a commit) runs
 * as a step of the handle's {@link StepGuard}: a release store and volatile reads of the calling
 * thread's own slot, no atomic operation. Revoking the grant and closing the handle drain the
 * guard ({@link StepGuard#drain}) after their mark, so that once either returned no step of the
 * handle transfers anything, even one that passed its check just before. A look at whether a
 * ring is empty is not a step: it moves nothing, so an idle pass of a spinning receive pays no
 * step at all.
 */
public abstract class PortRules extends SteppedHandle implements PortGate, Waiting {
    /** {@link #count} event: an operation waited. */
    protected static final int WAITED = 0;
    /** {@link #count} event: a wait timed out. */
    protected static final int TIMED_OUT = 1;
    /** {@link #count} event: another failure (a message too large). */
    protected static final int FAILED = 2;
    /** The deadline of an operation that waits without limit. */
    static final long NO_DEADLINE = Deadlines.NO_DEADLINE;

    final PortSession session;
    final PortSessions sessions;
    final MessageRing outbound;
    final MessageRing inbound;
    final PortObject object;
    /** Whether messages count against their senders' quota of queued messages ({@link MessageRing#countsQueued}). */
    private final boolean countsQueued;
    /** The object, named in messages. */
    final String what;
    private volatile long sliceNanos = SleeperWatch.LONGEST_SLEEP_NANOS;
    private volatile WaitStrategy waitOverride;

    PortRules(PortSession session, Grant grant, MessageRing outbound, MessageRing inbound, PortObject object) {
        super(session.caller(), session.gate(), grant, new StepGuard());
        this.session = session;
        this.sessions = session.owner();
        this.outbound = outbound;
        this.inbound = inbound;
        this.countsQueued = outbound.countsQueued();
        this.object = object;
        this.what = object.displayName();
    }

    // ------------------------------------------------------------------ what a subclass says

    /** Counts {@link #WAITED}, {@link #TIMED_OUT} or {@link #FAILED} for a send or a receive. */
    protected abstract void count(boolean sending, int event);

    /** The object's largest message in bytes. */
    protected abstract int maxMessageSize();

    /** The object's wait strategy, used unless this handle overrides it. */
    protected abstract WaitStrategy objectWaitStrategy();

    /** Whether the blocking and timed forms throw WOULD_BLOCK instead of waiting (queues). */
    protected boolean nonBlocking() {
        return false;
    }

    /** Wakes every waiter on the object, in every process, so that each re-checks. */
    public abstract void wakeWaiters();

    /** A queue has no peer end: receives never end for that reason. */
    @Override
    public boolean peerClosed() {
        return false;
    }

    @Override
    public IpcException peerGone(String operation) {
        return IpcException.closed(describe());
    }

    // ------------------------------------------------------------------ tests

    /**
     * Sets the longest single sleep of this handle's waits (tests only: a sleep longer than the
     * test's patience can only end by a wake-up; {@link SleeperWatch#LONGEST_SLEEP_NANOS} unless set).
     */
    public final void sliceNanos(long nanos) {
        this.sliceNanos = nanos;
    }

    /** The mechanism's {@link SleeperWatch}, through which this handle's waits sleep. */
    protected final SleeperWatch sleepers() {
        return sessions.sleepers();
    }

    /** Sets a hook called inside each send and receive step (tests only). */
    public final void hook(IntConsumer hook) {
        hookSteps(hook);
    }

    // ------------------------------------------------------------------ checks

    final void checkRange(byte[] b, int off, int len) {
        if (b == null || off < 0 || len < 0 || off > b.length - len) {
            throw IpcException.invalidArgument(what + ": range of " + len + " bytes at " + off
                    + " is outside the array" + (b == null ? " (null)" : " of " + b.length + " bytes"));
        }
    }

    final ByteBuffer requireBuffer(ByteBuffer buffer, boolean writable) {
        if (buffer == null) {
            throw IpcException.invalidArgument(what + ": buffer must not be null");
        }
        if (writable && buffer.isReadOnly()) {
            throw IpcException.invalidArgument(what + ": cannot receive into a read-only buffer");
        }
        return buffer;
    }

    /**
     * A timed operation's timeout in nanoseconds, by {@link MessagePort}'s timeout rule
     * ({@link Deadlines#nanos}). The clock is read only once the operation has to wait
     * ({@link Deadlines#after}): an attempt that succeeds at once reads none, and the deadline
     * counts from the end of that first attempt.
     */
    final long timeoutNanos(Duration timeout) {
        return Deadlines.nanos(timeout, what);
    }

    /**
     * A send or receive of a thread that holds this direction's side of a lane across its own
     * code: waiting could never end ({@link RingStatus#HELD_BY_THIS_THREAD}).
     */
    @Override
    public final IpcException heldByThisThread(boolean sending) {
        return new IpcException(IpcError.BUSY, what + ": this thread holds the " + (sending ? "senders'" : "receivers'")
                + " side of this lane with " + (sending ? "a claim still open; commit or abort it"
                        : "a handler still reading in place; return from it") + " before it "
                + (sending ? "sends" : "receives") + " again");
    }

    final IpcException wouldBlock(String operation) {
        return new IpcException(IpcError.WOULD_BLOCK, operation + " on " + what
                + " would block and the handle is non-blocking");
    }

    /**
     * The checks of a pass of a wait that has not counted itself in as a sleeper (it spins, yields
     * or parks briefly, as its {@link WaitStrategy} says): rights, closing, interruption, deadline.
     */
    final void checkPass(int right, String operation, boolean sending, long deadline, String call) {
        require(right, operation);
        if (Thread.interrupted()) {
            throw IpcException.interrupted(call, what);
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            count(sending, TIMED_OUT);
            throw IpcException.timeout(call, what);
        }
    }

    @Override
    public WaitStrategy waitStrategy() {
        WaitStrategy override = waitOverride;
        return override != null ? override : objectWaitStrategy();
    }

    @Override
    public void setWaitStrategy(WaitStrategy strategy) {
        checkOpen();
        waitOverride = strategy;
    }

    /**
     * Sleeps on a futex word, never past the deadline, through the mechanism's watch (which wakes
     * it once the thread is interrupted; closing and revocation wake it through the ring). A sleep
     * that ends unwoken (its slice or the deadline over, the futex call failed) looks whether the
     * ring's file was cut short under it and, if so, throws the fault of the mapping
     * ({@link MappedFault#afterSleep}) for the operation's rule: a sleeper on a truncated
     * file reports CORRUPTED within one slice, whatever its re-reads return.
     *
     * @return false if the deadline has passed
     */
    final boolean sleep(boolean forMessage, int sequence, long deadline, String operation) {
        checkOpen();
        if (Thread.interrupted()) {
            throw IpcException.interrupted(operation, what);
        }
        long slice = sliceNanos;
        long remaining = deadline == NO_DEADLINE ? slice : deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        slice = Math.min(remaining, slice);
        MessageRing ring = forMessage ? inbound : outbound;
        int slept = forMessage ? ring.signals().awaitMessage(sleepers(), sequence, slice, ring::sweepForSleepers)
                : ring.signals().awaitSpace(sleepers(), sequence, slice, ring::sweepForSleepers);
        // unwoken: nothing wakes a sleeper on a word truncated away, and its re-reads may be garbage
        MappedFault.afterSleep(slept, ring.region());
        return true;
    }

    /** The priority is valid, the length within the maximum message size, and the peer open. */
    final void checkLimits(int len, int priority) {
        Priority.requireValid(priority, what);
        if (len > maxMessageSize()) {
            count(true, FAILED);
            throw new IpcException(IpcError.MESSAGE_TOO_LARGE, what + ": a message of " + len
                    + " bytes exceeds its maximum message size of " + maxMessageSize() + " bytes");
        }
        if (peerClosed()) {
            throw peerGone("send");
        }
    }

    // ------------------------------------------------------------------ what the in-place port borrows

    @Override
    public final void checkSend(int length, int priority) {
        require(Rights.WRITE, "send to");
        if (length < 0) {
            throw IpcException.invalidArgument(what + ": a message cannot have " + length + " bytes");
        }
        checkLimits(length, priority);
    }

    @Override
    public final void checkReceive() {
        require(Rights.READ, "receive from");
    }

    @Override
    public final int beginTransfer(int right) {
        return enter(right, right == Rights.WRITE ? "send to" : "receive from");
    }

    @Override
    public final void endTransfer(int token) {
        exit(token);
    }

    @Override
    public final void reserveQueued() {
        if (countsQueued) {
            session.reserveQueued();
        }
    }

    @Override
    public final void releaseQueued() {
        if (countsQueued) {
            session.releaseQueued();
        }
    }

    /** Every message taken, copied or in place, ends here: its sender's quota given back. */
    @Override
    public final void received(MessageInfo info) {
        if (countsQueued) {
            sessions.taken(info);
        }
    }
}
