package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.ACQUISITIONS;
import static org.multios.ipc.sync.internal.SyncDescriptor.HANDLES;
import static org.multios.ipc.sync.internal.SyncDescriptor.POSTS;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.Deadlines;
import org.multios.ipc.core.mapped.Futex;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.MappedWords;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.core.mapped.SleeperWatch;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.core.mapped.WaitLoop;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.core.step.SteppedHandle;
import org.multios.ipc.spi.Grant;

/**
 * What every handle on a synchronization object shares: identity, the grant tested by each
 * operation and again before and after every sleep, closing, and sleeping in the kernel on a
 * word of the object's page. Revoking the grant wakes the handle's sleepers
 * ({@link #wakeSleepers()}), which then fail with PERMISSION_DENIED.
 *
 * <p>Acquisitions and posts are counted at once ({@link #count}) in the handle's counter slot in
 * the object's page ({@link CounterSlots}), or in the shared counters when it has none, so every
 * handle, in any process, and {@code ipc-stat} read them exact.
 */
abstract class SyncHandle extends SteppedHandle {
    /** A deadline that never comes. */
    static final long NO_DEADLINE = Deadlines.NO_DEADLINE;
    /** The step of a wait that checked its grant and is about to sleep in the kernel. */
    static final int STEP_SLEEPING = 10;

    /** Called at named steps of an operation: tests that pause a thread inside a window. */
    interface Hook {
        void at(int step);
    }

    final SyncSession session;
    final SyncObject object;
    final MappedRegion region;
    /** The page's words for the operations' accesses: {@link MappedRegion#words()}. */
    final MappedWords words;
    /** Who sleeps on the state word, by process: word 3 with the shares of processes killed in their sleep counted out. */
    final SleeperShares sleepers;
    private volatile Hook hook;
    private volatile long sliceNanos = SleeperWatch.LONGEST_SLEEP_NANOS;
    private volatile boolean watchClosing = true;
    private final BooleanSupplier stopCondition = this::mustStop;
    private volatile WaitStrategy waitOverride;
    private final SpinHistory spins = new SpinHistory();
    /** This handle's counter slot in the page, or {@link CounterSlots#NONE}. */
    private final int counterSlot;
    /** Where that slot's cells begin ({@link CounterSlots#cells}), or {@link CounterSlots#NONE}. */
    private final int counterCells;

    /** What {@link #count} counts. */
    static final int ACQUIRED = 0;
    static final int POSTED = 1;

    SyncHandle(SyncSession session, SyncObject object, Grant grant) {
        this(session, object, grant, new StepGuard());
    }

    /** A handle whose steps go through {@code guard} (tests choose its kind). */
    SyncHandle(SyncSession session, SyncObject object, Grant grant, StepGuard guard) {
        super(session.caller(), session.gate(), grant, guard);
        this.session = session;
        this.object = object;
        this.region = object.region();
        this.words = region.words();
        this.sleepers = new SleeperShares(region);
        object.count(HANDLES, 1);
        this.counterSlot = SyncDescriptor.COUNTERS.claim(region, ProcessLiveness.system());
        this.counterCells = SyncDescriptor.COUNTERS.cells(counterSlot);
        grant.onRevoke(this::wakeSleepers); // after the stop bit and the guard's drain (SteppedHandle)
    }

    /** This handle's step guard (tests). */
    StepGuard guard() {
        return stepGuard();
    }

    /**
     * Counts one acquisition or post made in the step with {@code token}: in this handle's counter
     * slot (plain stores: the step's token makes the cell the caller's), else in the object's
     * shared counters.
     */
    final void count(int kind, int token) {
        if (CounterSlots.owns(counterCells, token)) {
            SyncDescriptor.COUNTERS.add(words, counterCells, token, kind, 1);
        } else {
            object.count(sharedCounter(kind), 1);
        }
    }

    /** This handle's counter slot, or {@link CounterSlots#NONE} (tests). */
    int counterSlot() {
        return counterSlot;
    }

    private static int sharedCounter(int kind) {
        return kind == ACQUIRED ? ACQUISITIONS : POSTS;
    }

    /**
     * Wakes up to {@code count} threads asleep on the state word, if word 3 counts any; no system
     * call otherwise. A wake-up that finds nobody asleep while some are counted (a process killed
     * in its sleep, or a sleeper between its count and its sleep) has the shares of dead
     * processes counted out ({@link SleeperShares#wokeNobody}), so a killed sleeper does not cost
     * every later post a system call.
     */
    final void wakeCounted(int count) {
        if (words.getIntVolatile(SyncDescriptor.WORD3) > 0 && Futex.wake(region, SyncDescriptor.STATE, count) == 0) {
            sleepers.wokeNobody();
        }
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
        hookSteps(hook == null ? null : hook::at);
    }

    void step(int step) {
        Hook h = hook;
        if (h != null) {
            h.at(step);
        }
    }

    /**
     * Sets the longest single sleep of this handle's waits (tests only: a sleep longer than the
     * test's patience can only end by a wake-up; {@link SleeperWatch#LONGEST_SLEEP_NANOS} unless set).
     */
    void sliceNanos(long nanos) {
        this.sliceNanos = nanos;
    }

    long sliceNanos() {
        return sliceNanos;
    }

    /**
     * Whether the mechanism's {@link SleeperWatch} also wakes this handle's sleepers once it is
     * closed or its grant revoked (tests turn it off, so that only the direct wake of closing and
     * revoking can end such a sleep; interrupts are watched all the same).
     */
    void watchClosing(boolean on) {
        this.watchClosing = on;
    }

    /**
     * Whether a sleeper of this handle must wake and stop: the handle or its session is closed or
     * its grant revoked. Asked by the {@link SleeperWatch}, which bounds a direct wake that came
     * just before the sleeper entered the kernel.
     */
    boolean mustStop() {
        return watchClosing && (isClosed() || session.gate().isClosed() || !grant().allows(Rights.NONE));
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

    /**
     * Called once when the handle closes, after its steps drained ({@link StepGuard#drain}: none
     * takes anything after the mark), before it is forgotten (a mutex releases its lock).
     */
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

    /** The deadline of a timed operation on {@code what}, by the one timeout rule ({@link Deadlines}). */
    static long deadline(Duration timeout, String what) {
        return Deadlines.of(timeout, what);
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
     * Sleeps in the kernel while the word at {@code offset} holds {@code expected}, never past the
     * deadline, through the mechanism's {@link SleeperWatch} (which wakes it once the thread is
     * interrupted or {@code stop} holds). The caller re-checks its condition afterwards. A sleep
     * that ends unwoken meets a file cut short under it ({@link MappedFault#afterSleep}): the
     * operation's rule makes that CORRUPTED.
     *
     * @return false if the deadline has passed
     * @throws IpcException INTERRUPTED (flag kept), CLOSED, or PERMISSION_DENIED once the grant
     *         is revoked (checked before and after sleeping)
     */
    boolean sleep(int offset, int expected, long deadline, String operation) {
        return sleep(offset, expected, deadline, operation, stopCondition);
    }

    /** As {@link #sleep(int, int, long, String)}, woken by the watch once {@code stop} holds. */
    boolean sleep(int offset, int expected, long deadline, String operation, BooleanSupplier stop) {
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
        // unwoken: nothing wakes a sleeper on a page truncated away, and its re-reads may be garbage
        MappedFault.afterSleep(session.sleepers().await(region, offset, expected, Math.min(remaining, slice), stop),
                region);
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
        try {
            return MappedFault.passed(object.info(capacity()));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void setPermissions(Permissions permissions) {
        require(Rights.ADMIN, "change the permissions of");
        object.setPermissions(permissions);
    }

    /** A fault of the page (its file truncated under it) closes the handle: {@link MappedFault}. */
    @Override
    protected IpcException mappingFault(Error e) {
        return MappedFault.diagnose(e, region, describe());
    }

    @Override
    public void close() {
        if (closeSteps()) { // a step that passed its check before the mark has ended: closing gives back what it took
            try {
                try {
                    closing();
                } finally {
                    object.count(HANDLES, -1);
                    SyncDescriptor.COUNTERS.release(region, counterSlot);
                }
                wakeSleepers();
            } catch (Error e) {
                fault(e); // its file was truncated: closed all the same
            } finally {
                if (object.name().isEmpty()) {
                    session.caller().release(org.multios.ipc.Quota.OBJECTS, 1);
                }
                session.forget(this);
            }
        }
    }
}
