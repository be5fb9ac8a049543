package org.multios.ipc.channels.ring;

import static org.multios.ipc.channels.ring.PriorityRingDescriptor.*;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.LockSupport;

import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;

/**
 * Slot ownership and crash recovery. A slot is moved from ring to ring only by the process whose
 * owner word (pid and start tick, {@link ProcessLiveness}) is in the slot; a slot whose owner is
 * dead for certain is recovered ({@link #repair}): a budget op it left pending is completed, and
 * the slot is left where it is if a ring holds its index (a message published whole, or a free
 * slot); else, in a ring with checksums, a slot whose bytes match its checksum is published again
 * at the tail of its priority (a message its receiver died taking, so durable queues deliver at
 * least once, or one its sender died publishing after sealing it), and any other slot is returned
 * to the free ring (a message its sender died writing, never published, or, without checksums,
 * one its receiver died taking). A thread that meets a foreign owner on a slot it needs spins,
 * then yields, and once {@link #LIVENESS_CHECK_NANOS} went by checks the owner's liveness now and
 * then ({@link #holdUp}); a sender that finds no free slot looks for slots of dead owners at most
 * every {@link #SWEEP_INTERVAL_NANOS} ({@link #recover()} does it on demand). An owner word naming
 * no process counts as dead; one naming a live or a foreign process holds a ring up for at most
 * {@link #GIVE_UP_NANOS} a try.
 */
abstract class SlotRecovery extends ByteBudget {
    /** A thread held up by a foreign slot owner checks its liveness this often. */
    public static final long LIVENESS_CHECK_NANOS = 1_000_000L;
    /**
     * A try held up this long by a live slot owner gives up with EMPTY or FULL (a taker or a
     * sender descheduled for a while must not make others fail; only a stopped or hostile one
     * holds a ring up that long).
     */
    public static final long GIVE_UP_NANOS = 1_000_000_000L;
    /** A sender finding no free slot looks for slots of dead owners at most this often. */
    public static final long SWEEP_INTERVAL_NANOS = 10_000_000L;

    static final ProcessLiveness LIVENESS = ProcessLiveness.system();
    private static final int SPINS = 128;
    /** A thread held up by a slot owner yields this long, then parks {@link #PARK_NANOS} a pass. */
    private static final long YIELD_NANOS = 10_000_000L;
    private static final long PARK_NANOS = 50_000L;

    private final long home;
    /** The time in nanoseconds by which sweeps are due ({@link System#nanoTime}; tests advance their own). */
    private final LongSupplier sweepClock;
    /** When this attachment sweeps next; of the threads due, the one whose compare-and-set wins sweeps. */
    private final AtomicLong nextSweep;

    SlotRecovery(MappedRegion region, long base, int capacity, int maxMessageSize, int budget, int freeScale,
            long self, RingSteps.Hook hook, LongSupplier sweepClock) {
        super(region, base, capacity, maxMessageSize, budget, freeScale, self, hook);
        this.home = region.getLong(base + HOME_NAMESPACE_OFFSET);
        this.sweepClock = sweepClock;
        this.nextSweep = new AtomicLong(sweepClock.getAsLong());
    }

    /**
     * Marks priority {@code p} non-empty in the bitmap and tells the attachment's listener if
     * the ring had no message.
     *
     * @return whether the ring went from no message to some
     */
    abstract boolean mark(int p);

    /**
     * The owner word this attachment writes: this process, for the ring's home namespaces. Other
     * records of the file that name a process (a queue's listener) use it too.
     */
    public final long ownerWord() {
        return self;
    }

    /**
     * Whether the process of an owner word written by {@link #ownerWord()} (in any process) is
     * dead for certain, as {@link ProcessLiveness} and the ring's home namespace decide.
     */
    public final boolean isOwnerDead(long owner) {
        return LIVENESS.isOwnerDead(owner, home);
    }

    /**
     * Slots recovered since the ring was made, in every process: from dead owners, and from
     * threads that threw while they held them.
     */
    public final long recoveredSlots() {
        return region.getLongVolatile(base + RECOVERED_OFFSET);
    }

    @Override
    final long holdUp(int slot, long owner, int spins, long since) {
        if (spins < SPINS) {
            Thread.onSpinWait();
            return since == 0 ? 1 : since;
        }
        long now = System.nanoTime();
        if (since <= 1) {
            return now;
        }
        long waited = now - since;
        // liveness reads /proc and allocates: every 64th pass once a millisecond went by
        if (waited >= LIVENESS_CHECK_NANOS && ((spins & 63) == 0 || waited >= GIVE_UP_NANOS)
                && owner != self && isOwnerDead(owner)) {
            repair(slot, owner);
            return now;
        }
        if (waited >= GIVE_UP_NANOS) {
            return 0;
        }
        if (waited < YIELD_NANOS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS); // a long hold (a stopped owner): do not burn a core
        }
        return since;
    }

    /** Puts an owned slot on a ring, gives up its ownership, and tells senders if it was freed. */
    final void release(int slot, int ring) {
        enqueue(ring, slot, 0); // throws only CORRUPTED: the slot stays owned, the ring is unusable
        words.putLongRelease(owner(slot), 0);
        if (ring == FREE_RING) {
            signals.signalSpace();
        }
    }

    /**
     * Gives up a slot this thread owns and was using when it threw, as the recovery of a dead
     * owner does (a message published stays, anything else goes back to the free ring with its
     * bytes): called only between claiming a slot and releasing it, so the slot is still this
     * thread's even though the owner word names only the process.
     *
     * @return the throwable, unchecked, to rethrow
     */
    @Override
    final RuntimeException abandon(int slot, Throwable thrown) {
        try {
            repair(slot, self);
        } catch (Throwable again) {
            thrown.addSuppressed(again);
        }
        if (thrown instanceof Error e) {
            throw e;
        }
        return thrown instanceof RuntimeException r ? r : new IllegalStateException(thrown);
    }

    /**
     * Takes over slot {@code slot} from its dead owner {@code dead}: completes a budget op it
     * left pending, then leaves the slot where a ring holds it or returns it to the free ring.
     *
     * @return false if someone else changed the owner first
     */
    private boolean repair(int slot, long dead) {
        long s = slot(slot);
        if (!region.compareAndSetLong(s + SLOT_OWNER_OFFSET, dead, self)) {
            return false;
        }
        completePending(slot);
        int ring = locate(slot);
        int whole = ring < 0 ? wholeMessage(s) : -1;
        if (whole >= 0) {
            region.getAndAddLong(base + RECOVERED_OFFSET, 1);
            release(slot, 1 + whole);
            mark(whole);
            signals.signalMessage();
        } else if (ring < 0) {
            giveBack(slot, region.getInt(s + SLOT_LENGTH_OFFSET));
            region.getAndAddLong(base + RECOVERED_OFFSET, 1);
            release(slot, FREE_RING);
        } else {
            region.putLongRelease(s + SLOT_OWNER_OFFSET, 0);
            if (ring != FREE_RING) {
                mark(ring - 1);
                signals.signalMessage();
            }
        }
        return true;
    }

    /**
     * The priority of the message a slot on no ring holds whole, as its checksum shows (a ring
     * with checksums: a message its receiver died taking, or its sender died publishing after it
     * sealed it), or -1 (no checksums, or a slot being written or freed).
     */
    private int wholeMessage(long s) {
        if (checksums == null) {
            return -1;
        }
        int length = region.getInt(s + SLOT_LENGTH_OFFSET);
        int priority = region.getInt(s + SLOT_PRIORITY_OFFSET);
        boolean plausible = length >= 0 && length <= maxMessageSize && priority >= 0 && priority < PRIORITIES;
        return plausible && checksums.intact(s, length) ? priority : -1;
    }

    /**
     * Recovers every slot whose owner process is dead, completes a budget op such a process left
     * pending, and marks every non-empty priority in the bitmap (a sender may have died between
     * publishing and marking). Safe at any time, from any process; reads /proc for each foreign
     * owner it meets.
     *
     * @return the slots recovered by this call
     */
    public final int recover() {
        int recovered = repairOwned(false);
        boolean marked = false;
        for (int p = 0; p < PRIORITIES; p++) {
            if (!ringEmpty(1 + p) && !bitmap.isSet(p)) {
                mark(p);
                marked = true;
            }
        }
        if (marked) {
            signals.signalMessage();
        }
        return recovered;
    }

    /**
     * Recovers every slot that has an owner as if that owner were dead, forgets the sleepers
     * counted in, then recovers as {@link #recover()} does. Only for a ring that no live process
     * uses, whose owner words may name processes of an earlier boot of the machine that look alive
     * now (a reused pid and start tick) or live in namespaces that no longer exist: a durable
     * queue's file opened for the first time after a restart, under its opener's lock.
     *
     * @return the slots recovered
     */
    public final int recoverAfterRestart() {
        int recovered = repairOwned(true);
        signals.forgetSleepers();
        return recovered + recover();
    }

    /**
     * Repairs every owned slot whose owner is dead, or, with {@code anyOwner}, every owned slot.
     *
     * @return the slots repaired
     */
    private int repairOwned(boolean anyOwner) {
        int repaired = 0;
        for (int slot = 0; slot < capacity; slot++) {
            long owner = region.getLongVolatile(owner(slot));
            boolean dead = owner != 0 && (anyOwner || owner != self && isOwnerDead(owner));
            if (dead && repair(slot, owner)) {
                repaired++;
            }
        }
        return repaired;
    }

    /**
     * {@link #recover()} at most every {@link #SWEEP_INTERVAL_NANOS} (per attachment; of threads
     * due at once, one sweeps): a send that fails calls it, and so should a receiver before it
     * sleeps, which then finds a message whose sender died after publishing it but before marking
     * its priority.
     */
    public final void sweepIfDue() {
        long now = sweepClock.getAsLong();
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + SWEEP_INTERVAL_NANOS)) {
            recover();
        }
    }

    /**
     * For the {@link org.multios.ipc.core.mapped.SleeperWatch} of threads asleep on this ring, at
     * each of its checks (once for all of this process's attachments asleep on one word): sweeps
     * when due, so that the slots and messages of a process that died
     * while this ring's senders and receivers slept come back within a check (the recovery
     * signals the space or message it frees, which wakes whom it concerns).
     *
     * @return false: the sleeper need not be woken for the sweep itself
     */
    public final boolean sweepForSleepers() {
        sweepIfDue();
        return false;
    }
}
