package org.multios.ipc.spi;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcObject;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * The security contract every handle of every mechanism keeps, in one place: the handle is open
 * while neither it nor its caller's session is closed; each operation tests its {@link Grant}
 * (a refusal is counted, audited through {@link CallerContext#denied} and thrown as
 * PERMISSION_DENIED naming the handle and its rights); each step that transfers something runs
 * inside the grant's step gate ({@link #beginStep}), so that nothing passes through the handle
 * once a revocation has returned.
 *
 * <p>An Error out of an operation goes through {@link #fault}, the one rule for faults: if the
 * handle's {@link #mappingFault} recognises it as a fault of its mapping (the object's file was
 * truncated under it by another process), the handle closes and the operation, every later one
 * and every waiter of the handle fail with CORRUPTED; any other Error is rethrown as it is.
 */
@ConsumerType
public abstract class GuardedHandle implements IpcObject {
    /** The step a {@link #stepHook hook} sees inside each transfer step, once its grant passed. */
    public static final int STEP_GRANTED = 100;
    /** The token {@link #granted} is given for a step of {@link #beginStep}: no slot of {@link Grant#enterStep}. */
    private static final int BEGUN = Grant.REFUSED;

    private final CallerContext caller;
    private final SessionGate session;
    private final Grant grant;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Why the handle closed itself: the CORRUPTED of a fault of its mapping; null if it did not. */
    private volatile IpcException corrupted;
    private volatile IntConsumer hook;

    /**
     * @param caller  the process that holds the handle
     * @param session the caller's session of the mechanism: the handle closes with it
     * @param grant   the rights the handle was granted (registered for revocation)
     */
    protected GuardedHandle(CallerContext caller, SessionGate session, Grant grant) {
        this.caller = caller;
        this.session = session;
        this.grant = grant;
    }

    /** How messages name the handle: {@code handle on queue 'jobs'}. */
    public abstract String describe();

    /**
     * Counts an operation refused for lack of {@code right} in the object's statistics; nothing
     * by default.
     */
    protected void countDenial(int right) {
    }

    /** The handle's grant. */
    protected final Grant grant() {
        return grant;
    }

    /**
     * @throws IpcException CLOSED once the handle or its session is closed; CORRUPTED if the handle
     *                      closed itself at a fault of its mapping
     */
    public final void checkOpen() {
        if (closed.get() || session.isClosed()) {
            throw closedError();
        }
    }

    private IpcException closedError() {
        IpcException c = corrupted;
        return c == null ? IpcException.closed(describe())
                : new IpcException(IpcError.CORRUPTED, describe() + " is closed: " + c.getMessage(), c);
    }

    /**
     * What an Error out of an operation becomes: operations that touch a mapping end in
     * {@code catch (Error e) { throw fault(e); }}. If {@link #mappingFault} recognises {@code e} as
     * a fault of the handle's mapping, the handle closes itself (waking its waiters, which then
     * fail with the same CORRUPTED, as every later operation does) and the CORRUPTED is returned
     * for the operation to throw; the first fault names the handle's state for good. Otherwise
     * {@code e} is rethrown unchanged (OutOfMemoryError, StackOverflowError, other InternalErrors).
     *
     * @return the CORRUPTED to throw
     */
    protected final IpcException fault(Error e) {
        IpcException c = ownFault(e);
        if (c == null) {
            throw e;
        }
        return c;
    }

    /**
     * For a thread that serves several handles and met a fault after an operation returned
     * (HotSpot may deliver a fault of a mapped access late, at the thread's next call into the
     * VM): if {@code e} is a fault of this handle's mapping, the handle closes as at
     * {@link #fault} and the CORRUPTED is returned; otherwise null, and the handle is untouched
     * (the fault was another mapping's).
     */
    public final IpcException ownFault(Error e) {
        IpcException c = mappingFault(e);
        if (c == null) {
            return null;
        }
        if (corrupted == null) {
            corrupted = c; // before closing, so that woken waiters report it; racing faults tell the same
        }
        try {
            close();
        } catch (RuntimeException closing) {
            c.addSuppressed(closing);
        }
        return c;
    }

    /** The CORRUPTED the handle closed itself with at a fault of its mapping, or null if it did not. */
    protected final IpcException corruption() {
        return corrupted;
    }

    /**
     * Recognises a fault of the handle's mapping: the CORRUPTED to report, its mapping made safe
     * (see {@code org.multios.ipc.core.mapped.MappedFault#diagnose}), or null if {@code e} is not
     * one. Handles with no mapping keep the default, null.
     */
    protected IpcException mappingFault(Error e) {
        return null;
    }

    /**
     * Checks that the handle is open and its grant allows {@code right} ({@link org.multios.ipc.Rights#NONE}
     * tests only that it is not revoked).
     *
     * @throws IpcException CLOSED, or PERMISSION_DENIED (counted and audited)
     */
    public final void require(int right, String operation) {
        checkOpen();
        if (!grant.allows(right)) {
            throw denied(right, operation);
        }
    }

    /**
     * Begins a step that transfers something, as {@link #require} checks it; every step begun
     * must be followed by {@link #endStep()}. A revocation waits for the steps under way.
     */
    protected final void beginStep(int right, String operation) {
        checkOpen();
        if (!grant.beginStep(right)) {
            throw denied(right, operation);
        }
        granted(BEGUN);
    }

    /**
     * Begins a step as {@link #beginStep} does, through the grant's cheaper slot gate
     * ({@link Grant#enterStep}); every step entered must be followed by {@link #exitStep} with the
     * token returned.
     *
     * @return the step's token: a slot number below {@link Grant#STEP_SLOTS} that only the calling
     *         thread uses until it exits, or {@link Grant#SHARED_STEP}
     */
    protected final int enterStep(int right, String operation) {
        checkOpen();
        int token = grant.enterStep(right);
        if (token == Grant.REFUSED) {
            throw denied(right, operation);
        }
        granted(token);
        return token;
    }

    /**
     * Calls the test hook, if any, with {@link #STEP_GRANTED} inside a step whose grant passed;
     * if the hook throws, the step ends before its exception goes on.
     *
     * @param token the step's token from {@link Grant#enterStep}, or {@link #BEGUN} for a step of
     *              {@link #beginStep}
     */
    private void granted(int token) {
        IntConsumer h = hook;
        if (h == null) {
            return;
        }
        try {
            h.accept(STEP_GRANTED);
        } catch (RuntimeException | Error e) {
            if (token == BEGUN) {
                grant.endStep();
            } else {
                grant.exitStep(token);
            }
            throw e;
        }
    }

    /** Ends a step begun by {@link #enterStep}. */
    protected final void exitStep(int token) {
        grant.exitStep(token);
    }

    /**
     * Sets a hook called with {@link #STEP_GRANTED} inside each step once its grant passed (tests
     * only: they hold a step there to revoke or release under it); null for none.
     */
    protected final void stepHook(IntConsumer hook) {
        this.hook = hook;
    }

    /** Ends a step begun by {@link #beginStep}. */
    protected final void endStep() {
        grant.endStep();
    }

    /** Counts and audits an operation refused for lack of {@code right}; returns the PERMISSION_DENIED to throw. */
    protected final IpcException denied(int right, String operation) {
        countDenial(right);
        caller.denied(type(), name().orElse("#" + id()), operation);
        return IpcException.permissionDenied(operation, describe() + " (handle rights " + grant + ")",
                caller.process().toString());
    }

    /**
     * Marks the handle closed; returns true for the one call that did, which then releases what
     * the handle holds.
     */
    protected final boolean markClosed() {
        return closed.compareAndSet(false, true);
    }

    @Override
    public int rights() {
        return grant.rights();
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return describe() + " (" + grant + ")";
    }
}
