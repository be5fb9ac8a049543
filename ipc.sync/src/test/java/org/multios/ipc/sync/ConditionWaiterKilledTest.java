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
import org.multios.ipc.shm.MapAccess;
import org.multios.ipc.shm.Mapping;
import org.multios.ipc.shm.SharedMemory;

/**
 * Condition waiters across processes when one of them is SIGKILLed while it sleeps in the wait:
 * the survivors are still woken by a broadcast or a signal (the kernel forgets a dead sleeper, so
 * the one wake-up of a signal is not spent on it), the mutex is left free, and
 * {@link Condition#waiters()} no longer counts the dead one. Before, a killed sleeper stayed in
 * the count for good: a signaller waiting for "two waiters" went on while only one slept.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ConditionWaiterKilledTest extends CrossProcessSyncSupport {
    private static final long FLAG = 0;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private Process waiter(String label) throws Exception {
        Process p = child(label, "await-condition", "kc-m", "kc-c", "kc-flag", Long.toString(FLAG),
                Long.toString(TimeUnit.SECONDS.toMillis(WAIT_SECONDS)));
        children.awaitLine(p, "waiting");
        return p;
    }

    /** Sets the flag and signals or broadcasts, holding the mutex; returns what the lock said. */
    private static LockResult signal(Mutex m, Condition c, Mapping map, boolean all) {
        LockResult r = m.lock(Duration.ofSeconds(WAIT_SECONDS));
        try {
            map.putIntVolatile(FLAG, 1);
            if (all) {
                c.broadcast();
            } else {
                c.signal();
            }
        } finally {
            m.unlock();
        }
        return r;
    }

    @Test
    void aWaiterKilledInItsSleepLeavesTheOthersToBeWokenByABroadcast() throws Exception {
        Mutex m = sync.createMutex("kc-m", MutexOptions.DEFAULT, 0600);
        Condition c = sync.createCondition("kc-c", 0600);
        try (SharedMemory segment = shm.create("kc-flag", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Process doomed = waiter("doomed");
            Process survivor = waiter("survivor");
            await("both children sleep in the wait", survivor, () -> c.waiters() == 2);

            doomed.destroyForcibly();
            assertThat(doomed.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(c.waiters()).as("the killed waiter is counted out, the survivor still sleeps").isEqualTo(1);

            assertThat(threads.submit(() -> signal(m, c, map, true)).get(WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("the killed waiter did not hold the mutex").isEqualTo(LockResult.ACQUIRED);
            children.awaitLine(survivor, "woken");
            children.awaitSuccess(survivor);
            assertThat(m.owner()).isEmpty();
            assertThat(c.waiters()).isZero();
        }
    }

    @Test
    void aWaiterKilledInItsSleepDoesNotSwallowASignal() throws Exception {
        Mutex m = sync.createMutex("kc-m", MutexOptions.DEFAULT, 0600);
        Condition c = sync.createCondition("kc-c", 0600);
        try (SharedMemory segment = shm.create("kc-flag", 4096, 0600);
                Mapping map = segment.map(MapAccess.READ_WRITE)) {
            Process doomed = waiter("doomed");
            await("the child sleeps in the wait", doomed, () -> c.waiters() == 1);
            doomed.destroyForcibly();
            assertThat(doomed.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(c.waiters()).as("nobody sleeps once the only waiter was killed").isZero();
            Process survivor = waiter("survivor");
            await("the survivor sleeps in the wait", survivor, () -> c.waiters() == 1);

            signal(m, c, map, false);
            children.awaitLine(survivor, "woken");
            children.awaitSuccess(survivor);
        }
    }
}
