package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;

import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.sync.Semaphore;

/**
 * A counting semaphore on a shared page: the value is the futex word, so a post in any process
 * wakes a waiter in any other. A waiter first idles unannounced as its wait strategy says; then
 * it announces itself in the waiters word before it sleeps, and the poster reads that word
 * after it raised the value (both sequentially consistent), so no wake-up is lost and a post
 * with nobody asleep makes no system call. Sleepers count in by process ({@link SleeperShares}):
 * one killed in its sleep is counted out after the next post finds nobody to wake.
 */
final class SemaphoreHandle extends SyncHandle implements Semaphore {
    /** The maximum value, written once at creation and read when the handle opens. */
    private final int max;

    SemaphoreHandle(SyncSession session, SyncObject object, Grant grant) {
        this(session, object, grant, new StepGuard());
    }

    /** A handle whose steps go through {@code guard} (tests choose its kind). */
    SemaphoreHandle(SyncSession session, SyncObject object, Grant grant, StepGuard guard) {
        super(session, object, grant, guard);
        this.max = words.getIntVolatile(WORD2);
    }

    @Override
    long capacity() {
        return maxValue();
    }

    @Override
    public void acquire() {
        try {
            acquire(NO_DEADLINE);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void acquire(Duration timeout) {
        try {
            if (!acquire(deadline(timeout, object.displayName()))) {
                object.count(TIMEOUTS, 1);
                throw IpcException.timeout("acquire", object.displayName());
            }
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public boolean tryAcquire() {
        try {
            return MappedFault.passed(takeOne());
        } catch (Error e) {
            throw fault(e);
        }
    }

    private boolean acquire(long deadline) {
        if (takeOne()) {
            return true;
        }
        object.count(CONTENTION, 1);
        object.count(WAITS, 1);
        long start = System.nanoTime();
        WaitStrategy strategy = waitStrategy();
        for (int pass = 0; idle(strategy, pass, start, deadline, "acquire"); pass++) {
            if (takeOne()) {
                spinPaidOff(strategy);
                object.recordWait(System.nanoTime() - start);
                return true;
            }
        }
        int share = sleepers.in();
        boolean took = false;
        try {
            while (true) {
                if (takeOne()) {
                    took = true;
                    sleptThenGotThrough(strategy, start);
                    object.recordWait(System.nanoTime() - start);
                    return true;
                }
                if (!sleep(STATE, 0, deadline, "acquire")) {
                    return false;
                }
            }
        } finally {
            sleepers.out(share);
            if (!took) {
                passOn();
            }
        }
    }

    /**
     * Wakes one more sleeper if a permit is there and someone sleeps for it: called by a waiter
     * that leaves without taking (revoked, closed, interrupted, timed out), since the wake-up it
     * got may have been the only one.
     */
    private void passOn() {
        if (words.getIntVolatile(STATE) > 0) {
            wakeCounted(1);
        }
    }

    /**
     * Takes a permit if there is one, inside a step of the handle ({@link #enter}), and counts
     * it: the fast path is one compare-and-set on the value, volatile reads and release stores.
     *
     * @throws IpcException CLOSED, or PERMISSION_DENIED without the read right
     */
    private boolean takeOne() {
        int token = enter(Rights.READ, "acquire");
        try {
            if (words.decrementIfPositive(STATE) > 0) {
                count(ACQUIRED, token);
                return true;
            }
            return false;
        } finally {
            exit(token);
        }
    }

    /**
     * Raises the value; wakes one sleeper if one announced itself. The value is raised by a
     * compare-and-set and the waiters word read after it (both sequentially consistent), so a
     * waiter that announced itself before is seen, and one that announces itself after sees the
     * permit before it sleeps.
     */
    @Override
    public void release() {
        try {
            int token = enter(Rights.WRITE, "post");
            try {
                if (words.incrementIfBelow(STATE, max) >= max) {
                    throw pastMaximum();
                }
                count(POSTED, token);
            } finally {
                exit(token);
            }
            wakeCounted(1);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    private IpcException pastMaximum() {
        return new IpcException(IpcError.LIMIT_EXCEEDED, object.displayName()
                + ": a post would raise the value past its maximum " + max);
    }

    @Override
    public int value() {
        try {
            require(Rights.READ, "read the value of");
            return MappedFault.passed(words.getIntVolatile(STATE));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public int maxValue() {
        return words.getIntVolatile(WORD2);
    }
}
