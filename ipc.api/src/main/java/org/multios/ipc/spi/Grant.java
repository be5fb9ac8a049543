package org.multios.ipc.spi;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

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
 *
 * <p>Two forms of the gate. {@link #beginStep}/{@link #endStep} count the step in one shared
 * counter (two atomic operations per step). {@link #enterStep}/{@link #exitStep}, for hot paths,
 * take one of {@value #STEP_SLOTS} slots chosen by the calling thread with one compare-and-set,
 * and give it back with a plain release store; a thread whose slot is taken (another thread of
 * the same handle stepping, or a step nested in its own) counts itself in the shared counter
 * instead. Both are Dekker's handshake in Java's sequentially consistent volatile order: the step
 * publishes itself (the slot's or the counter's atomic write) and then reads {@code revoked};
 * revocation writes {@code revoked} and then reads every slot and the counter. So either the step
 * sees the revocation and is refused, or revocation sees the step and waits until it ends
 * (polling with a growing pause: the end of a slot step notifies nobody). A slot step's token
 * tells its caller that the slot is its own until it exits: a handle may keep per-slot counters
 * that only the slot's holder writes (no atomic operation, exact).
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
    /**
     * Step slots, one per {@value #SLOT_STRIDE} longs (two cache lines, so that neighbours share
     * none, adjacent-line prefetch included): 0 when free, else the id (plus one) of the thread
     * stepping in it. Allocated at the first slot step.
     */
    private volatile long[] slots;

    /** Slots of the hot-path gate; a token below it names the caller's slot. */
    public static final int STEP_SLOTS = 8;
    /** The token of a step counted in the shared counter (its slot was taken). */
    public static final int SHARED_STEP = STEP_SLOTS;
    /** The token {@link #enterStep} returns when the step may not run. */
    public static final int REFUSED = -1;
    private static final int SLOT_STRIDE = 16;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

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

    /**
     * Begins a step that needs {@code required}, as {@link #beginStep} but cheaper: one
     * compare-and-set on a slot of the calling thread when it is free.
     *
     * @return the token to give {@link #exitStep}: a slot number (below {@link #STEP_SLOTS}) that
     *         is the caller's alone until then, {@link #SHARED_STEP}, or {@link #REFUSED} if the
     *         step may not run (nothing is left to exit)
     */
    public int enterStep(int required) {
        long thread = Thread.currentThread().getId() + 1; // never 0, the free mark
        int slot = slotOf(thread);
        long[] s = slots;
        if (s == null) {
            s = allocateSlots();
        }
        int token;
        if (SLOT.compareAndSet(s, (slot + 1) * SLOT_STRIDE, 0L, thread)) {
            token = slot;
        } else {
            steps.incrementAndGet();
            token = SHARED_STEP;
        }
        if (allows(required)) {
            return token;
        }
        exitStep(token);
        return REFUSED;
    }

    /** Ends a step that {@link #enterStep} let run, with its token. */
    public void exitStep(int token) {
        if (token == SHARED_STEP) {
            endStep();
        } else {
            SLOT.setRelease(slots, (token + 1) * SLOT_STRIDE, 0L);
        }
    }

    private static int slotOf(long thread) {
        return (int) ((thread * 0x9E3779B97F4A7C15L) >>> 61); // the top 3 bits: STEP_SLOTS = 8
    }

    private synchronized long[] allocateSlots() {
        long[] s = slots;
        if (s == null) {
            s = new long[(STEP_SLOTS + 2) * SLOT_STRIDE];
            slots = s;
        }
        return s;
    }

    /** Ends a step that {@link #beginStep} let run. */
    public void endStep() {
        if (steps.decrementAndGet() == 0 && revoked) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until no step begun before {@code revoked} was set is under way. */
    private void awaitSteps() {
        boolean interrupted = false;
        long pauseNanos = 1_000;
        while (slotStepping()) {
            LockSupport.parkNanos(this, pauseNanos); // a step is short: pause 1 µs, doubling to 1 ms
            pauseNanos = Math.min(pauseNanos * 2, 1_000_000);
            interrupted |= Thread.interrupted();
        }
        synchronized (this) {
            while (steps.get() != 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean slotStepping() {
        long[] s = slots;
        if (s == null) {
            return false;
        }
        for (int i = 0; i < STEP_SLOTS; i++) {
            if ((long) SLOT.getVolatile(s, (i + 1) * SLOT_STRIDE) != 0) {
                return true;
            }
        }
        return false;
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
