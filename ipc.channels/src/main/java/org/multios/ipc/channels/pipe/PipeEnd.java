package org.multios.ipc.channels.pipe;

import java.util.Optional;

import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Permissions;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.SpinHistory;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;

/**
 * What every pipe end shares: its owner's session, the grant tested by each operation and again
 * at every pass of a wait, the non-blocking flag, the wait strategy, argument checks and
 * closing. Revoking the grant wakes the end's waiters ({@link #revoked()}), which then fail with
 * PERMISSION_DENIED. Waits follow this end's {@link WaitStrategy} (its override, or the platform
 * default: pipes keep no shared file to hold one per object); see {@link PipeWait}.
 */
abstract class PipeEnd<P extends PipeTarget> extends GuardedHandle {
    final PipeSession session;
    final P pipe;
    final PipeCounters counters;
    private final String role;
    /** {@link Rights#READ} or {@link Rights#WRITE}: what each transfer needs. */
    private final int right;
    /** {@code read from} or {@code write to}, for denials. */
    private final String access;
    /** {@code read} or {@code write}, for interruptions. */
    private final String operation;
    private volatile boolean nonBlocking;
    private volatile WaitStrategy waitOverride;
    /** What this end's adaptive waits learned (a heuristic: races only shift one wait's spin). */
    private final SpinHistory spins = new SpinHistory();

    /** @param reading whether this is a reading end (else a writing one) */
    PipeEnd(PipeSession session, P pipe, Grant grant, boolean reading, boolean nonBlocking) {
        super(session.caller(), session.gate(), grant);
        this.session = session;
        this.pipe = pipe;
        this.counters = pipe.counters();
        this.role = reading ? "reading" : "writing";
        this.right = reading ? Rights.READ : Rights.WRITE;
        this.access = reading ? "read from" : "write to";
        this.operation = reading ? "read" : "write";
        this.nonBlocking = nonBlocking;
        counters.increment(Counter.HANDLES);
    }

    /** Called once when the end closes: wake its waiters, let the pipe see one end less. */
    abstract void closing();

    /**
     * Called once when the grant is revoked, before the revocation returns: wakes every waiter of
     * the end so that it finds the grant revoked, and waits for a transfer that passed its grant
     * check.
     */
    abstract void revoked();

    /** Makes revocation of the grant wake this end's waiters; once, when the end is tracked. */
    void watchRevocation() {
        grant().onRevoke(this::revoked);
    }

    /** Checks that the end is open and may transfer: at the start and at every pass of a wait. */
    void checkAccess() {
        require(right, access);
    }

    /**
     * Begins one step of a transfer: checks as {@link #checkAccess} does and enters the grant's
     * step gate, which revocation waits for; {@link #exitTransfer} with the token ends it.
     */
    int enterTransfer() {
        return enterStep(right, access);
    }

    void exitTransfer(int token) {
        exitStep(token);
    }

    /** The INTERRUPTED to throw; clears the thread's interrupt status. */
    IpcException interrupted() {
        Thread.interrupted();
        return IpcException.interrupted(operation, describe());
    }

    /** {@code the reading end of pipe 'x'}, for messages. */
    @Override
    public String describe() {
        return "the " + role + " end of " + pipe.displayName();
    }

    @Override
    protected void countDenial(int right) {
        counters.increment(Counter.DENIALS);
    }

    /** Counts and returns a failure of an operation (not a denial, not a timeout). */
    IpcException failed(IpcError error, String message) {
        counters.increment(Counter.ERRORS);
        return new IpcException(error, message);
    }

    /** Checks an array argument; the message (built only then) names this end. */
    void checkRange(byte[] b, int off, int len) {
        if (b == null) {
            throw IpcException.invalidArgument(describe() + ": the array must not be null");
        }
        if ((off | len) < 0 || len > b.length - off) {
            throw IpcException.invalidArgument(describe() + ": offset " + off + " and length " + len
                    + " are outside an array of " + b.length + " bytes");
        }
    }

    /** Checks a buffer argument; the message (built only then) names this end. */
    void checkBuffer(java.nio.ByteBuffer buffer, boolean writable) {
        if (buffer == null) {
            throw IpcException.invalidArgument(describe() + ": the buffer must not be null");
        }
        if (writable && buffer.isReadOnly()) {
            throw IpcException.invalidArgument(describe() + ": the buffer is read-only");
        }
    }

    public boolean isNonBlocking() {
        return nonBlocking;
    }

    public void setNonBlocking(boolean nonBlocking) {
        checkOpen();
        this.nonBlocking = nonBlocking;
    }

    /** The strategy this end's waits follow now (see {@link org.multios.ipc.Waiting}). */
    public WaitStrategy waitStrategy() {
        WaitStrategy override = waitOverride;
        return override != null ? override : session.defaultWaitStrategy();
    }

    /** Makes this end's later waits follow {@code strategy}; null: the platform default again. */
    public void setWaitStrategy(WaitStrategy strategy) {
        checkOpen();
        waitOverride = strategy;
    }

    /** Starts a wait of this end: called when an attempt found nothing and the caller will wait. */
    PipeWait startWait() {
        counters.increment(Counter.WAITS);
        return new PipeWait(waitStrategy(), spins, probesAreSystemCalls());
    }

    /**
     * Starts a wait of this end in {@code wait}, which the caller owns (an unnamed pipe's side:
     * no allocation per wait); the caller counts it.
     */
    PipeWait restartWait(PipeWait wait) {
        return wait.restart(waitStrategy(), spins, probesAreSystemCalls());
    }

    /** Whether this end's waits sleep in the kernel at once now ({@link PipeWait#sleepsAtOnce}). */
    boolean sleepsAtOnce() {
        return PipeWait.sleepsAtOnce(waitStrategy(), probesAreSystemCalls());
    }

    /** Whether a probe of this end's waits is a system call (see {@link PipeWait}); false: a read of memory. */
    boolean probesAreSystemCalls() {
        return false;
    }

    @Override
    public ObjectType type() {
        return ObjectType.PIPE;
    }

    @Override
    public long id() {
        return pipe.id();
    }

    @Override
    public Optional<String> name() {
        return pipe.name();
    }

    @Override
    public ObjectInfo info() {
        return pipe.info().withWaitStrategy(session.defaultWaitStrategy());
    }

    @Override
    public void setPermissions(Permissions permissions) {
        if (permissions == null) {
            throw IpcException.invalidArgument(pipe.displayName() + ": permissions must not be null");
        }
        require(Rights.ADMIN, "change the permissions of");
        pipe.setPermissions(permissions);
    }

    @Override
    public void close() {
        if (markClosed()) {
            try {
                closing();
            } finally {
                counters.add(Counter.HANDLES, -1);
                session.forget(this);
            }
        }
    }
}
