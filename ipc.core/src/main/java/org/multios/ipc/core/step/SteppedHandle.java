package org.multios.ipc.core.step;

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
 * <p>A step goes through the calling thread's slot of the guard where it has one (a release
 * store and volatile reads of the handle's closing, its session's gate and the grant); else
 * through the grant's gate ({@link #enterStep}, a compare-and-set) and the guard's shared cell.
 */
@ConsumerType
public abstract class SteppedHandle extends GuardedHandle {
    private final SessionGate session;
    private final StepGuard guard;
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
        StepGuard g = guard;
        if (g.fenced()) {
            int slot = g.slotOf(Thread.currentThread());
            if (slot != StepGuard.NONE) {
                g.begin(slot);
                boolean entered = false;
                try { // whatever fails before the step is the caller's (an error included) lowers the depth once
                    if (isClosed() || session.isClosed() || !grant().allows(right)) {
                        checkOpen();
                        throw denied(right, operation);
                    }
                    IntConsumer h = hook;
                    if (h != null) {
                        h.accept(STEP_GRANTED);
                        if (g.drainedInside(slot)) { // the hook closed or revoked on this thread
                            checkOpen();
                            throw denied(right, operation);
                        }
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
        if (token != Grant.SHARED_STEP && guard.fenced()) {
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
    }

    /** This handle's step guard. */
    protected final StepGuard stepGuard() {
        return guard;
    }
}
