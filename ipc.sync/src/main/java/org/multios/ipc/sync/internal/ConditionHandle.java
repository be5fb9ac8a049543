package org.multios.ipc.sync.internal;

import static org.multios.ipc.sync.internal.SyncDescriptor.*;

import java.time.Duration;

import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.core.mapped.MappedFault;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.sync.Condition;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;

/**
 * A condition variable on a shared page: the futex word is a sequence number that every signal
 * bumps. A waiter reads it before it releases the mutex and sleeps only while it is unchanged,
 * so a signal given between the two is never lost. Wake-ups may be spurious; callers re-check
 * their predicate, as with POSIX condition variables.
 */
final class ConditionHandle extends SyncHandle implements Condition {
    ConditionHandle(SyncSession session, SyncObject object, Grant grant) {
        super(session, object, grant);
    }

    @Override
    long capacity() {
        return 0;
    }

    @Override
    public LockResult await(Mutex mutex) {
        try {
            return MappedFault.passed(await(mutex, NO_DEADLINE));
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public LockResult await(Mutex mutex, Duration timeout) {
        try {
            return MappedFault.passed(await(mutex, deadline(timeout, object.displayName())));
        } catch (Error e) {
            throw fault(e);
        }
    }

    private LockResult await(Mutex mutex, long deadline) {
        require(Rights.READ, "wait on");
        if (!(mutex instanceof MutexHandle m)) {
            throw IpcException.invalidArgument(object.displayName() + ": the mutex must come from this platform");
        }
        int sequence = words.getIntVolatile(STATE);
        // counted only once the release, which can throw, is done: a signal in between moved the
        // sequence, so the sleep below does not start
        int holds = m.releaseForWait();
        object.count(WAITS, 1);
        long start = System.nanoTime();
        boolean timedOut = false;
        boolean announced = false;
        int share = -1;
        LockResult relocked;
        boolean signalled = false;
        try {
            WaitStrategy strategy = waitStrategy();
            for (int pass = 0;; pass++) {
                if (signalled = moved(sequence)) {
                    spinPaidOff(strategy); // signalled while it idled, unannounced
                    break;
                }
                if (!idle(strategy, pass, start, deadline, "wait on")) {
                    break;
                }
            }
            if (!signalled) {
                share = sleepers.in();
                announced = true;
                while (!(signalled = moved(sequence))) {
                    if (!sleep(STATE, sequence, deadline, "wait on")) {
                        timedOut = true;
                        break;
                    }
                }
                if (signalled) {
                    sleptThenGotThrough(strategy, start);
                }
            }
        } finally {
            if (announced) {
                sleepers.out(share);
            }
            if (!signalled && !timedOut && words.getIntVolatile(STATE) != sequence) {
                passOn();
            }
            relocked = m.relockAfterWait(holds);
            object.recordWait(System.nanoTime() - start);
        }
        if (timedOut && relocked == LockResult.ACQUIRED) {
            object.count(TIMEOUTS, 1);
            throw IpcException.timeout("wait", object.displayName());
        }
        object.count(ACQUISITIONS, 1);
        return relocked;
    }

    /** Whether a signal or broadcast came since {@code sequence}, seen inside the grant's step gate. */
    private boolean moved(int sequence) {
        beginStep(Rights.READ, "wait on");
        try {
            return words.getIntVolatile(STATE) != sequence;
        } finally {
            endStep();
        }
    }

    /**
     * Wakes one more sleeper: called by a waiter that leaves by failing (revoked, closed,
     * interrupted) after a signal came, since the wake-up it got may have been the only one.
     */
    private void passOn() {
        wakeCounted(1);
    }

    @Override
    public void signal() {
        try {
            notify(1);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    @Override
    public void broadcast() {
        try {
            notify(Integer.MAX_VALUE);
            MappedFault.deliverPending();
        } catch (Error e) {
            throw fault(e);
        }
    }

    private void notify(int count) {
        require(Rights.WRITE, "signal");
        beginStep(Rights.WRITE, "signal");
        try {
            words.getAndAddInt(STATE, 1);
        } finally {
            endStep();
        }
        object.count(POSTS, 1);
        wakeCounted(count);
    }

    @Override
    public int waiters() {
        try {
            return MappedFault.passed(sleepers.sleeping());
        } catch (Error e) {
            throw fault(e);
        }
    }
}
