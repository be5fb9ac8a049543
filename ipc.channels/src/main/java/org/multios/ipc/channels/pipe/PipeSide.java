package org.multios.ipc.channels.pipe;

import java.util.concurrent.locks.AbstractQueuedSynchronizer;

import org.multios.ipc.core.mapped.Deadlines;

/**
 * One side of an unnamed pipe, its readers or its writers: the lock that lets one thread of the
 * side at a time into the ring, held for a whole read or write, waits included (so a side has at
 * most one sleeper, and an atomic write is never interleaved), and what that thread keeps there.
 * Only the holder writes the fields; the other side reads {@link #position}.
 *
 * <pre>
 *  object        AQS state       the lock: 0 free, 1 held (one compare-and-set to take)
 *                position        bytes this side moved, ever: the ring's tail (writers) or head
 *                                (readers); a volatile write publishes them to the other side
 *                seen            the other side's position as the holder last read it
 *                waits, highWater  this side's counts (WAITS; writers' high-water mark)
 *                holderWaits     whether the holder waits rather than transfers
 *                p00..p15        padding: 128 bytes, so that the two sides' words (written by
 *                                two cores at every transfer) share no cache line
 *  wait          PipeWait        the holder's wait (its pass count changes at every idle
 *                                step), then 128 bytes of padding
 * </pre>
 *
 * <p>Taking the lock when it is free costs one compare-and-set on the side's own line; a thread
 * that finds it held waits as for a {@code java.util.concurrent} lock, until it gets it, the
 * deadline passes or it is interrupted. Not reentrant.
 */
@SuppressWarnings({ "serial", "unused" })
final class PipeSide extends AbstractQueuedSynchronizer {
    /** The bytes this side moved through the ring since it was made. */
    volatile long position;
    /** The other side's {@link #position} as the holder last read it: a lower bound of it. */
    long seen;
    /** Waits of this side (the WAITS counter). */
    volatile long waits;
    /** Writers: the most bytes the ring held after a write. */
    volatile long highWater;
    /**
     * Whether the holder waits for bytes or room, or writes more than one transfer's worth (a
     * single attempt of the side then gives up at once rather than spin for it).
     */
    volatile boolean holderWaits;
    /** The holder's wait, reused by every wait of the side (padded: a spinning holder writes it at each step). */
    final PipeWait wait = new PaddedWait();

    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;

    /**
     * Takes the side for one read or write: at once if it is free; for a single attempt
     * ({@link Deadlines#NOW}, or a deadline already passed) after the holder's transfer, or not
     * at all if the holder waits or moves more than one transfer (there is nothing to do now);
     * otherwise waiting until {@code deadline}.
     *
     * @return false if the deadline passed first (or, for a single attempt, the holder waits)
     * @throws InterruptedException if interrupted while waiting for it
     */
    boolean enter(long deadline) throws InterruptedException {
        if (tryAcquire(1)) {
            return true;
        }
        if (deadline == Deadlines.NOW || Deadlines.remaining(deadline) == 0) {
            for (int pass = 1; !holderWaits; pass++) {
                if (tryAcquire(1)) {
                    return true;
                }
                if ((pass & 63) == 0) {
                    Thread.yield(); // the holder may have lost its core mid-transfer
                } else {
                    Thread.onSpinWait();
                }
            }
            return false;
        }
        if (deadline == Deadlines.NO_DEADLINE) {
            acquireInterruptibly(1);
            return true;
        }
        return tryAcquireNanos(1, Deadlines.remaining(deadline));
    }

    /**
     * Takes the side whatever happens: for closing and revocation, which wait for the holder's
     * transfer, or for a waiting holder to find its end closed or revoked and leave.
     */
    void enterUninterruptibly() {
        acquire(1);
    }

    /** Lets the next thread of the side in. */
    void exit() {
        release(1);
    }

    /**
     * A {@link PipeWait} followed by 128 bytes of padding: allocated (and copied by the collector)
     * right after its side, it would otherwise share a cache line with whatever comes next, such
     * as the other side's lock, while its holder spins.
     */
    private static final class PaddedWait extends PipeWait {
        private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
    }

    @Override
    protected boolean tryAcquire(int ignored) {
        if (compareAndSetState(0, 1)) {
            setExclusiveOwnerThread(Thread.currentThread());
            return true;
        }
        return false;
    }

    @Override
    protected boolean tryRelease(int ignored) {
        setExclusiveOwnerThread(null);
        setState(0);
        return true;
    }

    @Override
    protected boolean isHeldExclusively() {
        return getExclusiveOwnerThread() == Thread.currentThread();
    }
}
