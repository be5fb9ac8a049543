package org.multios.ipc.core.step;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

import org.multios.ipc.IpcException;
import org.multios.ipc.spi.CallerContext;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.SessionGate;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A handle whose transfer steps run under a {@link StepGuard}, in one place for every mechanism
 * that has one (ipc.sync's handles, ipc.channels' ports): {@link #enter} and {@link #exit} around
 * each step that moves something, revocation draining the guard (registered here, before any
 * wake-up a subclass registers), and {@link #closeSteps} for closing, by the same rule.
 *
 * <p>A step goes through the calling thread's slot of the guard where it has one: a release
 * store of the slot's depth, then one volatile read of the handle's stop word ({@link #stops}).
 * Closing, the session's closing, revocation and a test hook each set their bit in that word
 * before the drain of what they stand for, so the drain's fence orders the bit as it ordered
 * the conditions themselves (Dekker's handshake, {@link StepGuard}); a set bit, or a right the
 * grant did not give, sends the step through every check of the handle, its session and its
 * grant. Threads beyond the slots, and every thread where the fence is missing, step through the
 * grant's gate ({@link #enterStep}, a compare-and-set) and the guard's shared cell.
 */
@ConsumerType
public abstract class SteppedHandle extends GuardedHandle {
    /** Stop bits: the handle is closing, its session closing, its grant revoked, a test hook set. */
    private static final int STOP_CLOSED = 1;
    private static final int STOP_SESSION = 2;
    private static final int STOP_REVOKED = 4;
    private static final int STOP_HOOKED = 8;
    private static final VarHandle STOPS;

    static {
        try {
            STOPS = MethodHandles.lookup().findVarHandle(SteppedHandle.class, "stops", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SessionGate session;
    private final StepGuard guard;
    /** {@code guard.fenced()}, one read nearer. */
    private final boolean fenced;
    /** The grant's rights when the handle opened (they never change but to none, at revocation). */
    private final int granted;
    /**
     * Why a step may have to be refused or watched (the {@code STOP_} bits), 0 while none holds:
     * what a slot's step reads after its depth store, the one volatile read of its fast path. Each
     * bit is set before the drain of what it stands for; bits are never cleared but
     * {@code STOP_HOOKED}.
     */
    private volatile int stops;
    private volatile IntConsumer hook;

    /**
     * @param caller  the process that holds the handle
     * @param session the caller's session of the mechanism: the handle closes with it
     * @param grant   the rights the handle was granted; its revocation drains {@code guard}
     * @param guard   the guard of this handle's steps
     */
    protected SteppedHandle(CallerContext caller, SessionGate session, Grant grant, StepGuard guard) {
        super(caller, session, grant);
        this.session = session;
        this.guard = guard;
        this.fenced = guard.fenced();
        this.granted = grant.rights();
        grant.onRevoke(() -> stop(STOP_REVOKED)); // before the drain: a grant's actions run in order
        grant.onRevoke(guard::drain); // before a subclass's wake-ups: as closing does, one rule for both
    }

    /**
     * Begins a step that transfers something: it runs only while the handle and its session are
     * open and the grant allows {@code right}, and a revocation or a close returns only after it
     * ended ({@link StepGuard#drain}). Every step entered must be followed by {@link #exit} with
     * the token returned.
     *
     * @return the step's token: a number below {@link Grant#STEP_SLOTS} that only the calling
     *         thread uses until it exits (per-slot cells of the handle), or {@link Grant#SHARED_STEP}
     * @throws IpcException CLOSED, or PERMISSION_DENIED (counted and audited), with no step to exit
     */
    protected final int enter(int right, String operation) {
        if (fenced) {
            StepGuard g = guard;
            int slot = g.slotOf(Thread.currentThread());
            if (slot != StepGuard.NONE) {
                g.begin(slot);
                boolean entered = false;
                try { // whatever fails before the step is the caller's (an error included) lowers the depth once
                    // after the depth's release store, one volatile read: no stop bit and the right
                    // granted is a step the drain of a later close or revocation waits for (their
                    // bits are set before it); anything else takes every check
                    if ((stops | (right & ~granted)) != 0) {
                        check(slot, right, operation);
                    }
                    entered = true;
                    return slot;
                } finally {
                    if (!entered) {
                        g.end(slot);
                    }
                }
            }
            beginStep(right, operation); // the grant's counter: its slots' tokens would share the handle's cells
            return openShared(Grant.SHARED_STEP);
        }
        return openShared(enterStep(right, operation));
    }

    /**
     * The checks of a slot's step that met a stop bit or lacks the right: the handle, its session
     * and its grant (closing marks the handle, revocation the grant, before their bits), then the
     * hook; a close or revocation the hook made on this thread (its drain did not wait for this
     * step) refuses the step.
     */
    private void check(int slot, int right, String operation) {
        if (isClosed() || session.isClosed() || !grant().allows(right)) {
            checkOpen();
            throw denied(right, operation);
        }
        IntConsumer h = hook;
        if (h != null) {
            h.accept(STEP_GRANTED);
            if (guard.drainedInside(slot)) {
                checkOpen();
                throw denied(right, operation);
            }
        }
    }

    /**
     * Counts a step of the grant's gate (its hook already ran) in the guard's shared cell, then
     * checks that the handle is still open: closing marks the handle and then waits for that cell.
     */
    private int openShared(int token) {
        guard.enterShared();
        if (isClosed() || session.isClosed()) {
            guard.exitShared();
            exitStep(token);
            checkOpen();
        }
        return token;
    }

    /** Ends a step begun by {@link #enter}, with its token. */
    protected final void exit(int token) {
        if (token != Grant.SHARED_STEP && fenced) {
            guard.end(token);
        } else {
            guard.exitShared();
            exitStep(token); // the grant's slot, or its counter (which ends a step of beginStep too)
        }
    }

    /**
     * Marks the handle closed and waits for its steps under way: once this returned, no step of
     * the handle transfers anything, even one that passed its check just before. A close racing
     * another waits for the steps too, as a second revocation does.
     *
     * @return true for the one call that marked the handle closed, which then gives back what the
     *         handle holds
     */
    protected final boolean closeSteps() {
        stop(STOP_CLOSED); // before the mark and the drain (a second close's too)
        boolean marked = markClosed();
        guard.drain();
        return marked;
    }

    /**
     * Sets a hook called with {@link #STEP_GRANTED} inside each step once its checks passed, on
     * either path (tests only: they hold a step there to revoke or close under it); null for none.
     */
    protected final void hookSteps(IntConsumer hook) {
        this.hook = hook;
        stepHook(hook);
        if (hook != null) {
            stop(STOP_HOOKED); // steps take the checked path, which calls it
        } else {
            STOPS.getAndBitwiseAnd(this, ~STOP_HOOKED);
        }
    }

    /**
     * Called by the handle's session once it is closing (its gate closed), before it closes or
     * wakes the handle: from then on steps check the gate too.
     */
    public final void sessionClosing() {
        stop(STOP_SESSION);
    }

    /** Sets stop bits: a volatile read-modify-write, before the drain it precedes. */
    private void stop(int bits) {
        STOPS.getAndBitwiseOr(this, bits);
    }

    /** This handle's step guard. */
    protected final StepGuard stepGuard() {
        return guard;
    }
}
