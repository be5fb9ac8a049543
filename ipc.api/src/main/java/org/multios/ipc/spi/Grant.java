package org.multios.ipc.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.multios.ipc.Rights;

/**
 * The rights a handle was granted when it was opened or created. Every operation on the handle
 * tests a bit of it (one volatile read), so revocation takes effect at the next operation: a
 * revoked grant allows nothing. A handle whose operations wait registers {@link #onRevoke} to
 * wake them, so that waiting operations fail too.
 *
 * <p>A step that transfers something (one attempt to send, receive, acquire or post) runs between
 * {@link #beginStep} and {@link #endStep}: it starts only while the grant is not revoked, and
 * {@link #revoke()} returns only once the steps that started before it have ended. So after
 * revoke returns no step of the handle transfers anything, even one that passed its check just
 * before. Steps must not wait for other processes.
 */
public final class Grant {
    private final int rights;
    private volatile boolean revoked;
    /** Actions to run at revocation; null once it has happened. Guarded by {@code this}. */
    private List<Runnable> onRevoke = new ArrayList<>();
    /** Held while the actions run, so that a second revoke returns only after them too. */
    private final Object revoking = new Object();
    /** Steps begun and not ended; revocation waits on {@code this} until none is left. */
    private final AtomicInteger steps = new AtomicInteger();

    /** A grant of the given {@link Rights} bits. */
    public Grant(int rights) {
        this.rights = rights;
    }

    /** The rights granted, or {@link Rights#NONE} once revoked. */
    public int rights() {
        return revoked ? Rights.NONE : rights;
    }

    /** Whether every bit of {@code required} is granted and the grant is not revoked. */
    public boolean allows(int required) {
        return !revoked && (rights & required) == required;
    }

    /**
     * Runs {@code action} once when the grant is revoked, in the revoking thread before
     * {@link #revoke()} returns; at once if it already is. Mechanisms use it to wake the waiting
     * operations of the handle (which then find the grant revoked) and to wait for a transfer
     * that passed its check just before, so that none transfers anything after revoke returns.
     * The action must not wait for anything but such a short step.
     */
    public void onRevoke(Runnable action) {
        synchronized (this) {
            if (onRevoke != null) {
                onRevoke.add(action);
                return;
            }
        }
        action.run();
    }

    /**
     * Withdraws the grant: every later operation through it is refused, and the actions
     * registered with {@link #onRevoke} have run when this returns. An action that throws does
     * not keep the others from running; the first failure is rethrown afterwards.
     */
    public void revoke() {
        synchronized (revoking) {
            List<Runnable> actions = take();
            awaitSteps();
            runAll(actions);
        }
    }

    /**
     * Begins a step that needs {@code required}: counts it in flight, then tests the grant, so
     * that a revocation either sees the step and waits for its {@link #endStep} or the step sees
     * the revocation.
     *
     * @return whether the step may run; if not, nothing is left to end
     */
    public boolean beginStep(int required) {
        steps.incrementAndGet();
        if (allows(required)) {
            return true;
        }
        endStep();
        return false;
    }

    /** Ends a step that {@link #beginStep} let run. */
    public void endStep() {
        if (steps.decrementAndGet() == 0 && revoked) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    private synchronized void awaitSteps() {
        boolean interrupted = false;
        while (steps.get() != 0) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized List<Runnable> take() {
        revoked = true;
        List<Runnable> actions = onRevoke == null ? List.of() : onRevoke;
        onRevoke = null;
        return actions;
    }

    private static void runAll(List<Runnable> actions) {
        RuntimeException failure = null;
        for (Runnable a : actions) {
            try {
                a.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Whether the grant was revoked. */
    public boolean isRevoked() {
        return revoked;
    }

    @Override
    public String toString() {
        return revoked ? "revoked" : Rights.toString(rights);
    }
}
