package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcProcess;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;

/**
 * Named mutexes shared with child JVMs: a robust mutex whose owner process is killed with
 * SIGKILL is taken over with OWNER_DEAD and becomes usable again once marked consistent, or
 * not recoverable for every process if it is unlocked without that; and the lock excludes
 * three processes from one another around a plain read-modify-write of a shared counter.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrossProcessMutexTest extends CrossProcessSyncSupport {
    /** Mutex calls are bound to a thread: every call of a test on a mutex goes through this one. */
    private final ExecutorService locker = Executors.newSingleThreadExecutor(r -> new Thread(r, "mutex-locker"));

    @AfterEach
    void stopLocker() throws InterruptedException {
        locker.shutdownNow();
        locker.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private <T> T onLocker(java.util.concurrent.Callable<T> call) throws Exception {
        return locker.submit(call).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The error of the IPC exception the call throws on the locker thread; fails if it throws none. */
    private IpcError errorOnLocker(java.util.concurrent.Callable<?> call) throws Exception {
        try {
            Object result = onLocker(call);
            throw new AssertionError("expected an IpcException, got " + result);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IpcException.class);
            return ((IpcException) e.getCause()).error();
        }
    }

    /** Starts a child that locks the named mutex and holds it; returns once it reported the lock. */
    private Process childHolding(String name) throws Exception {
        Process holder = child("holder", "hold", name);
        children.awaitLine(holder, "locked ACQUIRED");
        return holder;
    }

    @Test
    void aWaiterHereTakesOverWithOwnerDeadWhenTheOwningChildIsKilled() throws Exception {
        Mutex m = sync.createMutex("xp-robust", MutexOptions.DEFAULT, 0600);
        Process holder = childHolding("xp-robust");
        assertThat(m.owner()).map(IpcProcess::pid).contains(holder.pid());
        assertThat(onLocker(m::tryLock)).isEqualTo(LockResult.BUSY);

        Future<LockResult> blocked = locker.submit(() -> m.lock(Duration.ofSeconds(WAIT_SECONDS)));
        await("the parent waits for the mutex", holder, () -> counter(m, Counter.CONTENTION) >= 1);
        children.kill(holder);

        assertThat(blocked.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(LockResult.OWNER_DEAD);
        assertThat(m.isConsistent()).isFalse();
        assertThat(m.isNotRecoverable()).isFalse();
        assertThat(onLocker(m::isHeldByCurrentThread)).isTrue();
        assertThat(m.owner()).map(IpcProcess::pid).contains(ProcessHandle.current().pid());

        onLocker(() -> {
            m.markConsistent();
            m.unlock();
            return null;
        });
        assertThat(m.isConsistent()).isTrue();
        assertThat(m.owner()).isEmpty();

        assertThat(onLocker(() -> m.lock())).isEqualTo(LockResult.ACQUIRED);
        onLocker(() -> {
            m.unlock();
            return null;
        });
        Process next = child("next", "lock", "xp-robust");
        children.awaitLine(next, "result ACQUIRED");
        children.awaitSuccess(next);
    }

    @Test
    void unlockingWithoutMarkingConsistentMakesTheMutexNotRecoverableForEveryProcess() throws Exception {
        Mutex m = sync.createMutex("xp-lost", MutexOptions.DEFAULT, 0600);
        Process holder = childHolding("xp-lost");
        children.kill(holder);

        assertThat(onLocker(() -> m.lock(Duration.ofSeconds(WAIT_SECONDS)))).isEqualTo(LockResult.OWNER_DEAD);
        assertThat(m.isConsistent()).isFalse();

        // A second child blocks on the mutex while this process holds it inconsistent.
        Process waiter = child("waiter", "lock", "xp-lost");
        children.awaitLine(waiter, "locking");
        await("the second child waits for the mutex", waiter, () -> counter(m, Counter.CONTENTION) >= 1);

        onLocker(() -> {
            m.unlock();
            return null;
        });
        assertThat(m.isNotRecoverable()).isTrue();
        assertThat(m.isConsistent()).isFalse();

        children.awaitLine(waiter, "error NOT_RECOVERABLE");
        children.awaitSuccess(waiter);

        assertThat(errorOnLocker(() -> m.lock())).isEqualTo(IpcError.NOT_RECOVERABLE);
        assertThat(errorOnLocker(m::tryLock)).isEqualTo(IpcError.NOT_RECOVERABLE);
        Mutex reopened = sync.openMutex("xp-lost");
        assertThat(errorOnLocker(() -> reopened.lock(Duration.ofSeconds(1)))).isEqualTo(IpcError.NOT_RECOVERABLE);

        Process later = child("later", "lock", "xp-lost");
        children.awaitLine(later, "error NOT_RECOVERABLE");
        children.awaitSuccess(later);
    }

    @Test
    void aNonRobustMutexOfAKilledChildIsReleasedToTheNextLocker() throws Exception {
        Mutex m = sync.createMutex("xp-plain", MutexOptions.DEFAULT.withRobust(false), 0600);
        Process holder = childHolding("xp-plain");
        children.kill(holder);

        assertThat(onLocker(() -> m.lock(Duration.ofSeconds(10)))).isEqualTo(LockResult.ACQUIRED);
        assertThat(m.isConsistent()).isTrue();
        onLocker(() -> {
            m.unlock();
            return null;
        });
    }

    @Test
    void theLockExcludesTwoChildrenAndThisProcessFromAPlainReadModifyWrite() throws Exception {
        int n = 5_000;
        long word = 0;
        long ready = 64;
        long go = 128;
        Mutex m = sync.createMutex("xp-count", MutexOptions.DEFAULT, 0600);
        try (SharedMemory segment = shm.create("xp-counter", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            String[] args = {"count", "xp-count", "xp-counter", Long.toString(word), Long.toString(ready),
                    Long.toString(go), Integer.toString(n)};
            Process a = child("counter-a", args);
            Process b = child("counter-b", args);
            await("both children are ready", null, () -> {
                if (!a.isAlive() || !b.isAlive()) {
                    throw new AssertionError("a counting child ended early:\n" + children.output(a) + "\n"
                            + children.output(b));
                }
                return map.getLongVolatile(ready) == 2;
            });

            map.putLongVolatile(go, 1);
            Future<?> mine = locker.submit(() -> {
                for (int i = 0; i < n; i++) {
                    assertThat(m.lock(Duration.ofSeconds(WAIT_SECONDS))).isEqualTo(LockResult.ACQUIRED);
                    try {
                        long before = map.getLong(word);
                        if ((i & 63) == 0) {
                            Thread.yield();
                        }
                        map.putLong(word, before + 1);
                    } finally {
                        m.unlock();
                    }
                }
                return null;
            });

            mine.get(2 * WAIT_SECONDS, TimeUnit.SECONDS);
            children.awaitSuccess(a);
            children.awaitSuccess(b);
            assertThat(children.hasLine(a, "counted " + n)).isTrue();
            assertThat(children.hasLine(b, "counted " + n)).isTrue();
            assertThat(map.getLongVolatile(word)).as("increments of 3 processes; contended acquisitions: %d",
                    counter(m, Counter.CONTENTION)).isEqualTo(3L * n);
            assertThat(m.owner()).isEmpty();
        }
    }
}
