package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.ACQUISITIONS;
import static org.multios.ipc.sync.internal.SyncDescriptor.HANDLES;
import static org.multios.ipc.sync.internal.SyncDescriptor.POSTS;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Optional;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;

/**
 * What every handle on a synchronization object shares: identity, the grant tested by each
 * operation and again before and after every sleep, closing, and sleeping in the kernel on a
 * word of the object's page. Revoking the grant wakes the handle's sleepers
 * ({@link #wakeSleepers()}), which then fail with PERMISSION_DENIED.
 *
 * <p>Acquisitions and posts are counted per handle, in the slot of the grant's step gate that the
 * counting step holds ({@link #countInStep}): only that step's thread writes it, so a count is a
 * plain store, exact, and shares no line with other threads or processes. Every
 * {@value #FLUSH_COUNT} counts of a slot are added to the object's shared counters in one atomic
 * addition, the rest when the handle closes; the statistics read through a handle add what that
 * handle holds ({@link SyncObject#info}), every other handle (in any process) sees the shared
 * counters only.
 */
abstract class SyncHandle extends GuardedHandle {
    /** A deadline that never comes. */
    static final long NO_DEADLINE = Long.MAX_VALUE;
    /** The step of a wait that checked its grant and is about to sleep in the kernel. */
    static final int STEP_SLEEPING = 10;

    /** Called at named steps of an operation: tests that pause a thread inside a window. */
    interface Hook {
        void at(int step);
    }

    final SyncSession session;
    final SyncObject object;
    final MappedRegion region;
    private volatile Hook hook;
    private volatile long sliceNanos = Futex.MAX_SLICE_NANOS;
    private volatile WaitStrategy waitOverride;
    private final SpinHistory spins = new SpinHistory();

    /** What {@link #countInStep} counts. */
    static final int ACQUIRED = 0;
    static final int POSTED = 1;
    /** Counts a slot holds before they are added to the object's shared counters. */
    static final long FLUSH_COUNT = 1024;
    /** Longs per slot of {@link #counts}: two cache lines, so that slots share none. */
    private static final int COUNT_STRIDE = 16;
    private static final VarHandle COUNT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Counts of each slot of the step gate not yet added to the shared counters; written by the slot's holder. */
    private final long[] counts = new long[(Grant.STEP_SLOTS + 1) * COUNT_STRIDE];

    SyncHandle(SyncSession session, SyncObject object, Grant grant) {
        super(session.caller(), session.gate(), grant);
        this.session = session;
        this.object = object;
        this.region = object.region();
        object.count(HANDLES, 1);
        object.track(this);
        grant.onRevoke(this::wakeSleepers);
    }

    /**
     * Counts one acquisition or post made inside the step of {@code token} (see
     * {@link #enterStep}): in the step's slot, or in the shared counter for a shared step.
     */
    final void countInStep(int token, int kind) {
        if (token == Grant.SHARED_STEP) {
            object.count(sharedCounter(kind), 1);
            return;
        }
        int i = (token + 1) * COUNT_STRIDE + kind;
        long v = (long) COUNT.getOpaque(counts, i) + 1;
        if (v == FLUSH_COUNT) {
            object.count(sharedCounter(kind), FLUSH_COUNT);
            v = 0;
        }
        COUNT.setOpaque(counts, i, v);
    }

    /** The counts of {@code kind} this handle holds that the shared counter lacks. */
    final long unflushed(int kind) {
        long sum = 0;
        for (int slot = 0; slot < Grant.STEP_SLOTS; slot++) {
            sum += (long) COUNT.getOpaque(counts, (slot + 1) * COUNT_STRIDE + kind);
        }
        return sum;
    }

    /**
     * Adds what the slots hold to the shared counters, at close (a count made by a step of another
     * thread racing the close may be lost: statistics only).
     */
    private void flushCounts() {
        for (int kind = ACQUIRED; kind <= POSTED; kind++) {
            for (int slot = 0; slot < Grant.STEP_SLOTS; slot++) {
                int i = (slot + 1) * COUNT_STRIDE + kind;
                long v = (long) COUNT.getAndSet(counts, i, 0L);
                if (v != 0) {
                    object.count(sharedCounter(kind), v);
                }
            }
        }
    }

    private static int sharedCounter(int kind) {
        return kind == ACQUIRED ? ACQUISITIONS : POSTS;
    }

    /**
     * Wakes every thread sleeping on the words this handle's operations sleep on (those of
     * other handles re-check and sleep again): at close and at revocation of the grant.
     */
    void wakeSleepers() {
        Futex.wake(region, SyncDescriptor.STATE, Integer.MAX_VALUE);
    }

    /**
     * Sets a hook called at the steps of this handle's operations, {@link #STEP_GRANTED} inside
     * each transfer step included (tests only).
     */
    void hook(Hook hook) {
        this.hook = hook;
        stepHook(hook == null ? null : hook::at);
    }

    void step(int step) {
        Hook h = hook;
        if (h != null) {
            h.at(step);
        }
    }

    /**
     * Sets the longest single sleep of this handle's waits (tests only: a slice longer than a
     * test's patience makes a lost wake-up fail the test instead of costing one slice).
     */
    void sliceNanos(long nanos) {
        this.sliceNanos = nanos;
    }

    long sliceNanos() {
        return sliceNanos;
    }

    /** The strategy of this handle's waits: its override, or the object's. */
    public WaitStrategy waitStrategy() {
        WaitStrategy override = waitOverride;
        return override != null ? override : object.waitStrategy();
    }

    /** Overrides the object's strategy for this handle's waits (null: the object's again). */
    public void setWaitStrategy(WaitStrategy strategy) {
        checkOpen();
        waitOverride = strategy;
    }

    /** What {@link #info()} reports as the object's capacity. */
    abstract long capacity();

    /** Called once when the handle closes, before it is forgotten (a mutex releases its lock). */
    void closing() {
    }

    String caller() {
        return session.caller().process().toString();
    }

    @Override
    public String describe() {
        return "handle on " + object.displayName();
    }

    /**
     * Re-checks, between the passes of a wait, that the handle is open and its grant not
     * revoked (its rights never change otherwise); a revoked grant is audited and refused.
     */
    void recheck(String operation) {
        require(Rights.NONE, operation);
    }

    static long deadline(Duration timeout, String what) {
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

    /**
     * The checks of a pass of a wait that has not announced itself as a sleeper (it spins, yields
     * or parks briefly, as its {@link WaitStrategy} says), and its idle step.
     *
     * @param pass  idle steps this wait took before
     * @param start when the wait began ({@link System#nanoTime()})
     * @return true if the caller should try again unannounced; false once the budget (as this
     *         handle's {@link SpinHistory} learned it) is spent or the deadline has passed: the
     *         caller announces itself and sleeps (which reports the deadline). A caller that got
     *         what it waited for while this returned true calls {@link #spinPaidOff}
     * @throws IpcException INTERRUPTED, CLOSED, or PERMISSION_DENIED once the grant is revoked
     */
    boolean idle(WaitStrategy strategy, int pass, long start, long deadline, String operation) {
        recheck(operation);
        if (Thread.interrupted()) {
            throw IpcException.interrupted(operation, object.displayName());
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
            return false;
        }
        if (WaitLoop.idle(strategy, pass, start, spins.budgetNanos(strategy))) {
            return true;
        }
        spins.ranOut(strategy);
        return false;
    }

    /** Tells this handle's {@link SpinHistory} that a wait got through while it idled. */
    void spinPaidOff(WaitStrategy strategy) {
        spins.paidOff(strategy);
    }

    /**
     * Tells this handle's {@link SpinHistory} that a wait begun at {@code start} slept and then got
     * through: one that ended within the budget raises the spin to cover it.
     */
    void sleptThenGotThrough(WaitStrategy strategy, long start) {
        spins.slept(strategy, start);
    }

    /** What this handle's waits learned (tests). */
    SpinHistory spinHistory() {
        return spins;
    }

    /**
     * Sleeps in the kernel while the word at {@code offset} holds {@code expected}, for at most
     * one slice and never past the deadline. The caller re-checks its condition afterwards.
     *
     * @return false if the deadline has passed
     * @throws IpcException INTERRUPTED (flag kept), CLOSED, or PERMISSION_DENIED once the grant
     *         is revoked (checked before and after sleeping)
     */
    boolean sleep(int offset, int expected, long deadline, String operation) {
        recheck(operation);
        if (Thread.interrupted()) {
            throw IpcException.interrupted(operation, object.displayName());
        }
        long slice = sliceNanos;
        long remaining = deadline == NO_DEADLINE ? slice : deadline - System.nanoTime();
        if (remaining <= 0) {
            return false;
        }
        step(STEP_SLEEPING);
        Futex.await(region, offset, expected, Math.min(remaining, slice));
        recheck(operation);
        return true;
    }

    @Override
    public ObjectType type() {
        return object.type();
    }

    @Override
    public long id() {
        return object.id();
    }

    @Override
    public Optional<String> name() {
        return object.name();
    }

    @Override
    public ObjectInfo info() {
        return object.info(capacity());
    }

    @Override
    public void setPermissions(Permissions permissions) {
        require(Rights.ADMIN, "change the permissions of");
        object.setPermissions(permissions);
    }

    @Override
    public void close() {
        if (markClosed()) {
            try {
                closing();
            } finally {
                if (object.name().isEmpty()) {
                    session.caller().release(org.multios.ipc.Quota.OBJECTS, 1);
                }
                object.count(HANDLES, -1);
                flushCounts();
                object.untrack(this);
                session.forget(this);
                wakeSleepers();
            }
        }
    }
}
