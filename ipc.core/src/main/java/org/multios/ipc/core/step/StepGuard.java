package org.multios.ipc.core.step;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.core.mapped.ProcessFence;
import org.multios.ipc.spi.Grant;

/**
 * The guard of one handle's transfer steps against revocation and closing, with no atomic
 * operation of its own on the hot path: once the grant's revocation or the handle's close has
 * returned, no step of the handle transfers anything, even one that passed its check just before.
 *
 * <p>A thread steps in a slot of its own, claimed once per handle and thread (a compare-and-set
 * of the slot's owner from none, or from a thread that has ended) and kept while it lives; a
 * step finds it by the identity of the thread its slot's reference refers to (the thread's id
 * only spreads threads over the slots: a subclass may answer any id). A step raises its
 * slot's depth with a release store, then reads the marks of the handle's closing and the grant's
 * revocation with volatile reads (or one word the handle sets for both before it drains),
 * transfers, and lowers the depth with a release store.
 * Revocation and closing ({@link #drain}, run by {@link Grant#revoke} after it set
 * {@code revoked}, and by the handle's close after it marked the handle closed) call
 * {@link ProcessFence#serialize()} and then wait until every slot's depth is 0. That is Dekker's
 * handshake with the fence moved to the rare side: wherever the process-wide fence lands in a
 * stepping thread's program, either the thread's read comes after it and sees the mark (the step
 * is refused), or its depth store comes before it and the drain sees the step and waits for its
 * end. The step's store precedes its read in the compiled code too ({@link ProcessFence}). The
 * depth is a count, so a step nested in the same thread's step (a test hook) keeps the slot
 * marked until the outer one ends. A drain does not wait for a step of its own thread (a hook
 * that closes or revokes from inside a step): it marks the slot instead ({@link #drainedInside}),
 * and that step refuses to go on.
 *
 * <p>A thread's slot number is also its step token: a handle may keep per-slot cells of that
 * number (ipc.sync's counter slots) that are the thread's alone, counted with plain stores. Threads beyond the
 * slots, and every thread where the fence is missing ({@link ProcessFence#isSupported()} false,
 * or {@value #ATOMIC_STEPS_PROPERTY} set), step through the grant's own gate instead
 * ({@link Grant#enterStep}), which pays a compare-and-set per step, and count themselves here in
 * one shared cell ({@link #enterShared}, an atomic add each way) for closing, which the grant's
 * gate does not wait for.
 *
 * <p>If the fence fails when a drain calls it (the kernel refused, e.g. out of memory), the drain
 * calls it once more and, failing again, makes every slot's live thread pass through a
 * handshake of the virtual machine instead ({@link Thread#getStackTrace()} of another thread
 * stops it at a safepoint or handshake poll, which orders its memory as the fence does:
 * HotSpot's promise, not the Java memory model's), then waits for the depths as usual. A drain
 * never throws for the fence: a revocation half done would let steps through.
 *
 * <p>Slots hold their threads weakly: an ended thread (and its context class loader) is not kept
 * alive by a handle. A slot whose thread ended is not waited for (it steps no more) and is
 * reclaimed with its depth reset, so that a step that left it raised (an error between the
 * depth's store and the step's {@code try}) blocks no revocation.
 */
public final class StepGuard {
    /** System property (diagnosis and tests): {@code true} makes new handles use the grant's atomic gate. */
    public static final String ATOMIC_STEPS_PROPERTY = "org.multios.ipc.atomicSteps";
    /** Slots per handle: as many as the counter cells per counter slot. */
    public static final int SLOTS = Grant.STEP_SLOTS;
    /** What {@link #slotOf} answers when every slot is held by a live thread. */
    public static final int NONE = -1;

    private static final boolean FENCE = !Boolean.getBoolean(ATOMIC_STEPS_PROPERTY) && ProcessFence.isSupported();
    /** Longs per depth: two cache lines, so that no two slots share one (adjacent-line prefetch included). */
    private static final int STRIDE = 16;
    /** Beside a slot's depth: whether a drain ran inside one of its steps ({@link #drainedInside}). */
    private static final int DRAINED = 1;
    private static final VarHandle OWNER = MethodHandles.arrayElementVarHandle(WeakReference[].class);
    private static final VarHandle DEPTH = MethodHandles.arrayElementVarHandle(long[].class);

    private final boolean fenced;
    /** The process-wide fence ({@link ProcessFence#serialize()}; tests give one that fails). */
    private final Runnable fence;
    /** Each slot's thread, held weakly; written by compare-and-set only. */
    @SuppressWarnings("unchecked")
    private final WeakReference<Thread>[] owners = new WeakReference[SLOTS];
    /**
     * Each slot's steps under way, at {@link #at}, written by the slot's thread only; next to it
     * whether a drain ran inside one of them ({@link #DRAINED}); and the shared cell, the steps
     * outside the slots, at {@code at(SLOTS)}.
     */
    private final long[] depths = new long[(SLOTS + 2) * STRIDE];

    /** A guard that uses the fence where this system has it. */
    public StepGuard() {
        this(FENCE);
    }

    /** @param fenced false: every step goes through the grant's gate (tests of that path) */
    public StepGuard(boolean fenced) {
        this.fenced = fenced && ProcessFence.isSupported();
        this.fence = ProcessFence::serialize;
    }

    /** A guard that steps through the slots and calls {@code fence} at drains (tests: a fence that fails). */
    public StepGuard(Runnable fence) {
        this.fenced = true;
        this.fence = fence;
    }

    /** Whether steps use the slots (else the grant's gate). */
    public boolean fenced() {
        return fenced;
    }

    /**
     * The calling thread's slot, claimed at its first step on the handle.
     *
     * @return the slot, or {@link #NONE} (the thread steps through the grant's gate)
     */
    public int slotOf(Thread thread) {
        // the id only spreads threads over the slots: a Thread subclass may answer any id, so a
        // slot is the thread's only if its reference refers to this very thread
        int home = (int) ((thread.getId() * 0x9E3779B97F4A7C15L) >>> 61); // top 3 bits: SLOTS = 8
        // a plain read suffices: only this thread ever writes itself into a slot, and nobody takes
        // a slot from a thread that still lives; refersTo compares without a read barrier
        WeakReference<Thread> owner = owners[home];
        if (owner != null && owner.refersTo(thread)) {
            return home;
        }
        return find(thread, home);
    }

    private int find(Thread thread, int home) {
        for (int i = 0; i < SLOTS; i++) {
            int slot = (home + i) & (SLOTS - 1);
            if (holds(OWNER.getVolatile(owners, slot), thread)) {
                return slot;
            }
        }
        for (int i = 0; i < SLOTS; i++) {
            int slot = (home + i) & (SLOTS - 1);
            Object owner = OWNER.getVolatile(owners, slot);
            // a thread that ended steps no more; its end happens before isAlive answers false (or
            // its reference is cleared), so the next owner reads its stores and resets what an
            // error may have left raised
            if (ended(owner) && OWNER.compareAndSet(owners, slot, owner, new WeakReference<>(thread))) {
                DEPTH.setRelease(depths, at(slot) + DRAINED, 0L);
                DEPTH.setRelease(depths, at(slot), 0L);
                return slot;
            }
        }
        return NONE;
    }

    /** Whether {@code owner}, a slot's reference (or null), refers to {@code thread}. */
    @SuppressWarnings("unchecked")
    private static boolean holds(Object owner, Thread thread) {
        return owner != null && ((WeakReference<Thread>) owner).refersTo(thread);
    }

    private Thread ownerOf(int slot) {
        Object owner = OWNER.getVolatile(owners, slot);
        return owner == null ? null : (Thread) ((WeakReference<?>) owner).get();
    }

    private static boolean ended(Object owner) {
        if (owner == null) {
            return true;
        }
        Object thread = ((WeakReference<?>) owner).get();
        return thread == null || !((Thread) thread).isAlive();
    }

    /** Marks a step of the slot's thread under way: before it checks its grant. */
    public void begin(int slot) {
        int at = at(slot);
        DEPTH.setRelease(depths, at, (long) DEPTH.get(depths, at) + 1);
    }

    /** Marks the step ended: after its transfer (the release store publishes it). */
    public void end(int slot) {
        int at = at(slot);
        DEPTH.setRelease(depths, at, (long) DEPTH.get(depths, at) - 1);
    }

    /** Marks a step outside the slots under way, before it checks that the handle is open (an atomic add). */
    public void enterShared() {
        DEPTH.getAndAdd(depths, at(SLOTS), 1L);
    }

    /** Marks a step of {@link #enterShared} ended. */
    public void exitShared() {
        DEPTH.getAndAdd(depths, at(SLOTS), -1L);
    }

    /**
     * The one ordering rule of revocation and closing, called once the grant is revoked or the
     * handle marked closed: returns when no step that may have missed the mark is under way
     * (polling with a growing pause, 1 µs to 1 ms: a step is short and notifies nobody), so that
     * what a step took before is there for the caller to give back and nothing is taken after.
     * A step of the calling thread's own slot (the drain runs inside it) is not waited for but
     * marked ({@link #drainedInside}).
     */
    public void drain() {
        boolean interrupted = false;
        if (fenced) {
            serialize();
            Thread me = Thread.currentThread();
            for (int slot = 0; slot < SLOTS; slot++) {
                Thread owner = ownerOf(slot);
                if (owner == me) {
                    if ((long) DEPTH.get(depths, at(slot)) != 0) {
                        DEPTH.setRelease(depths, at(slot) + DRAINED, 1L); // only this thread writes its slot's cells
                    }
                    continue;
                }
                interrupted |= awaitZero(slot);
            }
        }
        interrupted |= awaitZero(SLOTS);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The fence, called a second time if it fails; failing again, a handshake with each slot's
     * live thread (see the class comment). Never throws.
     */
    private void serialize() {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                fence.run();
                return;
            } catch (RuntimeException | LinkageError e) {
                // the kernel refused (ENOMEM, ...): try again, then the handshakes
            }
        }
        Thread me = Thread.currentThread();
        for (int slot = 0; slot < SLOTS; slot++) {
            Thread owner = ownerOf(slot);
            if (owner != null && owner != me && owner.isAlive()) {
                owner.getStackTrace(); // a safepoint or handshake of the thread: its step's store is seen, or it sees the mark
            }
        }
    }

    /** Waits until the slot's depth (or the shared cell's, {@link #SLOTS}) is 0, or the slot's thread has ended. */
    private boolean awaitZero(int slot) {
        boolean interrupted = false;
        long pauseNanos = 1_000;
        int at = at(slot);
        while ((long) DEPTH.getVolatile(depths, at) != 0 && (slot == SLOTS || !ended(OWNER.getVolatile(owners, slot)))) {
            LockSupport.parkNanos(this, pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 1_000_000);
            interrupted |= Thread.interrupted();
        }
        return interrupted;
    }

    /**
     * Whether a drain ran on the slot's own thread inside its step (the handle closed or its grant
     * revoked from a hook of the step); clears the mark. Asked by the slot's thread after a hook.
     */
    public boolean drainedInside(int slot) {
        int at = at(slot) + DRAINED;
        if ((long) DEPTH.get(depths, at) == 0) {
            return false;
        }
        DEPTH.setRelease(depths, at, 0L);
        return true;
    }

    /** Whether a step of the slot is under way (tests). */
    public boolean stepping(int slot) {
        return (long) DEPTH.getVolatile(depths, at(slot)) != 0;
    }

    private static int at(int slot) {
        return (slot + 1) * STRIDE;
    }
}
