package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorCompletionService;
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
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventFlag;
import org.multios.ipc.event.EventType;
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;

/**
 * Waiters blocked on a named semaphore, event or condition in one process and woken by a post,
 * signal or broadcast from another, in both directions; and an auto-reset event signalled once
 * releasing exactly one of two waiters. Before the waking side acts, each test waits until the
 * waiters have announced themselves on the object's shared page, so the wake-up crosses the
 * process boundary rather than finding the object already posted.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CrossProcessWaitTest extends CrossProcessSyncSupport {
    /** How long a second waiter that must not be released is given to show it was. */
    private static final long GRACE_MILLIS = 500;
    /** Offset of the condition tests' predicate in their shared segment. */
    private static final long FLAG = 0;

    private final ExecutorService waiters = Executors.newCachedThreadPool();

    @AfterEach
    void stopWaiters() throws InterruptedException {
        waiters.shutdownNow();
        waiters.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static Duration waitLimit() {
        return Duration.ofSeconds(WAIT_SECONDS);
    }

    // ----- semaphores -----

    @Test
    void aPostFromAChildWakesASemaphoreWaiterHere() throws Exception {
        Semaphore sem = sync.createSemaphore("xp-sem", SemaphoreOptions.of(0), 0600);
        Future<?> waiter = waiters.submit(() -> {
            sem.acquire(waitLimit());
            return null;
        });
        await("the parent waits on the semaphore", null, () -> counter(sem, Counter.WAITS) >= 1);

        children.awaitSuccess(child("poster", "post", "xp-sem"));

        waiter.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(sem.value()).isZero();
        assertThat(counter(sem, Counter.MESSAGES_IN)).as("posts").isEqualTo(1);
    }

    @Test
    void aPostHereWakesASemaphoreWaiterInAChild() throws Exception {
        Semaphore sem = sync.createSemaphore("xp-sem", SemaphoreOptions.of(0), 0600);
        Process waiter = child("waiter", "acquire", "xp-sem", Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        children.awaitLine(waiter, "waiting");
        await("the child waits on the semaphore", waiter, () -> counter(sem, Counter.WAITS) >= 1);
        assertThat(children.hasLine(waiter, "acquired")).isFalse();

        sem.release();

        children.awaitLine(waiter, "acquired");
        children.awaitSuccess(waiter);
        assertThat(sem.value()).isZero();
    }

    // ----- events -----

    @Test
    void aSignalFromAChildWakesAnEventWaiterHereWithItsData() throws Exception {
        Event ev = events.create("xp-event", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600);
        Future<Long> waiter = waiters.submit(() -> ev.await(waitLimit()));
        await("the parent waits on the event", null, () -> counter(ev, Counter.WAITS) >= 1);

        children.awaitSuccess(child("signaller", "signal-event", "xp-event", "42"));

        assertThat(waiter.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(42L);
        assertThat(ev.isSignalled()).as("an auto-reset event is consumed by its waiter").isFalse();
    }

    @Test
    void aSignalHereWakesAnEventWaiterInAChildWithItsData() throws Exception {
        Event ev = events.create("xp-event", EventType.MANUAL_RESET, EnumSet.noneOf(EventFlag.class), 0600);
        Process waiter = child("waiter", "await-event", "xp-event",
                Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        children.awaitLine(waiter, "waiting");
        await("the child waits on the event", waiter, () -> counter(ev, Counter.WAITS) >= 1);

        ev.signal(7);

        children.awaitLine(waiter, "got 7");
        children.awaitSuccess(waiter);
        assertThat(ev.isSignalled()).as("a manual-reset event stays signalled").isTrue();
    }

    @Test
    void anAutoResetEventSignalledOnceByAChildReleasesExactlyOneOfTwoWaitersHere() throws Exception {
        Event ev = events.create("xp-auto", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600);
        ExecutorCompletionService<Long> done = new ExecutorCompletionService<>(waiters);
        Callable<Long> wait = () -> ev.await(waitLimit());
        done.submit(wait);
        done.submit(wait);
        await("both parent threads wait on the event", null, () -> counter(ev, Counter.WAITS) >= 2);

        children.awaitSuccess(child("signaller", "signal-event", "xp-auto", "99"));

        Future<Long> first = done.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(first).as("one waiter released within %d s", WAIT_SECONDS).isNotNull();
        assertThat(first.get()).isEqualTo(99L);
        assertThat(done.poll(GRACE_MILLIS, TimeUnit.MILLISECONDS)).as("a second waiter released by one signal")
                .isNull();
        assertThat(ev.isSignalled()).isFalse();

        ev.signal(100);
        Future<Long> second = done.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(second).as("the other waiter released by a second signal").isNotNull();
        assertThat(second.get()).isEqualTo(100L);
        assertThat(counter(ev, Counter.MESSAGES_OUT)).as("completed waits").isEqualTo(2);
    }

    @Test
    void anAutoResetEventSignalledOnceHereReleasesExactlyOneOfTwoWaitingChildren() throws Exception {
        Event ev = events.create("xp-auto", EventType.AUTO_RESET, EnumSet.noneOf(EventFlag.class), 0600);
        String limit = Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        Process a = child("waiter-a", "await-event", "xp-auto", limit);
        Process b = child("waiter-b", "await-event", "xp-auto", limit);
        children.awaitLine(a, "waiting");
        children.awaitLine(b, "waiting");
        await("both children wait on the event", null, () -> counter(ev, Counter.WAITS) >= 2);

        ev.signal(5);

        await("one child is released", null, () -> children.hasLine(a, "got 5") || children.hasLine(b, "got 5"));
        Process released = children.hasLine(a, "got 5") ? a : b;
        Process other = released == a ? b : a;
        children.awaitSuccess(released);
        Thread.sleep(GRACE_MILLIS);
        assertThat(children.output(other)).as("the other child, after one signal").doesNotContain("got ");
        assertThat(other.isAlive()).isTrue();
        assertThat(ev.isSignalled()).isFalse();

        ev.signal(6);
        children.awaitLine(other, "got 6");
        children.awaitSuccess(other);
    }

    // ----- conditions -----

    /** Waits on the condition until the flag in the segment is set, holding the mutex around the check. */
    private static LockResult awaitFlag(Mutex m, Condition c, Mapping map) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        LockResult r = m.lock(waitLimit());
        try {
            while (map.getIntVolatile(FLAG) == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the flag was not set within " + WAIT_SECONDS + " s");
                }
                try {
                    r = c.await(m, Duration.ofNanos(left));
                } catch (IpcException e) {
                    if (e.error() != IpcError.TIMEOUT) {
                        throw e;
                    }
                }
            }
            return r;
        } finally {
            m.unlock();
        }
    }

    @Test
    void aSignalFromAChildWakesAConditionWaiterHere() throws Exception {
        Mutex m = sync.createMutex("xp-cm", MutexOptions.DEFAULT, 0600);
        Condition c = sync.createCondition("xp-cond", 0600);
        try (SharedMemory segment = shm.create("xp-flag", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Future<LockResult> waiter = waiters.submit(() -> awaitFlag(m, c, map));
            await("the parent waits on the condition", null, () -> c.waiters() == 1);

            children.awaitSuccess(child("signaller", "signal-condition", "xp-cm", "xp-cond", "xp-flag",
                    Long.toString(FLAG), "signal"));

            assertThat(waiter.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
            assertThat(c.waiters()).isZero();
            assertThat(m.owner()).isEmpty();
        }
    }

    @Test
    void aSignalHereWakesAConditionWaiterInAChild() throws Exception {
        Mutex m = sync.createMutex("xp-cm", MutexOptions.DEFAULT, 0600);
        Condition c = sync.createCondition("xp-cond", 0600);
        try (SharedMemory segment = shm.create("xp-flag", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Process waiter = child("waiter", "await-condition", "xp-cm", "xp-cond", "xp-flag", Long.toString(FLAG),
                    Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
            children.awaitLine(waiter, "waiting");
            await("the child waits on the condition", waiter, () -> c.waiters() == 1);

            Future<?> signaller = waiters.submit(() -> {
                assertThat(m.lock(waitLimit())).isEqualTo(LockResult.ACQUIRED);
                try {
                    map.putIntVolatile(FLAG, 1);
                    c.signal();
                } finally {
                    m.unlock();
                }
                return null;
            });
            signaller.get(WAIT_SECONDS, TimeUnit.SECONDS);

            children.awaitLine(waiter, "woken");
            children.awaitSuccess(waiter);
            assertThat(c.waiters()).isZero();
        }
    }

    @Test
    void aBroadcastFromAChildWakesEveryConditionWaiterHereAndInAnotherChild() throws Exception {
        Mutex m = sync.createMutex("xp-cm", MutexOptions.DEFAULT, 0600);
        Condition c = sync.createCondition("xp-cond", 0600);
        try (SharedMemory segment = shm.create("xp-flag", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            List<Future<LockResult>> here = new ArrayList<>();
            here.add(waiters.submit(() -> awaitFlag(m, c, map)));
            here.add(waiters.submit(() -> awaitFlag(m, c, map)));
            Process there = child("waiter", "await-condition", "xp-cm", "xp-cond", "xp-flag", Long.toString(FLAG),
                    Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
            children.awaitLine(there, "waiting");
            await("two parent threads and a child wait on the condition", there, () -> c.waiters() == 3);

            children.awaitSuccess(child("broadcaster", "signal-condition", "xp-cm", "xp-cond", "xp-flag",
                    Long.toString(FLAG), "broadcast"));

            for (Future<LockResult> f : here) {
                assertThat(f.get(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo(LockResult.ACQUIRED);
            }
            children.awaitLine(there, "woken");
            children.awaitSuccess(there);
            assertThat(c.waiters()).isZero();
        }
    }
}
