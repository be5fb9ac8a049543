package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;

/**
 * Acquisitions and posts are exact through the handle that counted them, with several threads on
 * it, and through a handle of another process.
 */
class SyncStatisticsTest extends SyncTestSupport {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 5_000;

    @Test
    @Timeout(60)
    void semaphoreCountsAreExactHereAndElsewhereOnceClosed() throws Exception {
        IpcContext reader = context();
        IpcContext worker = context();
        Semaphore created = sync(reader).createSemaphore("stats-sem", SemaphoreOptions.of(THREADS), 0600);
        Semaphore shared = sync(worker).openSemaphore("stats-sem");
        runThreads(() -> {
            for (int i = 0; i < PER_THREAD; i++) {
                assertThat(shared.tryAcquire()).isTrue();
                shared.release();
            }
        });
        long total = (long) THREADS * PER_THREAD;
        assertThat(shared.info().statistics().get(Counter.MESSAGES_OUT)).as("acquisitions seen through the counting handle")
                .isEqualTo(total);
        assertThat(shared.info().statistics().get(Counter.MESSAGES_IN)).as("posts seen through the counting handle")
                .isEqualTo(total);
        assertThat(created.info().statistics().get(Counter.MESSAGES_OUT)).as("acquisitions another process sees")
                .isBetween(0L, total);
        shared.close();
        assertThat(created.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(total);
        assertThat(created.info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(total);
    }

    @Test
    @Timeout(60)
    void mutexAcquisitionsAreExactHereAndElsewhereOnceClosed() throws Exception {
        IpcContext reader = context();
        IpcContext worker = context();
        Mutex created = sync(reader).createMutex("stats-mutex", MutexOptions.DEFAULT, 0600);
        Mutex shared = sync(worker).openMutex("stats-mutex");
        runThreads(() -> {
            for (int i = 0; i < PER_THREAD; i++) {
                shared.lock();
                shared.unlock();
            }
        });
        long total = (long) THREADS * PER_THREAD;
        assertThat(shared.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(total);
        shared.close();
        assertThat(created.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(total);
    }

    private static void runThreads(Runnable body) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            Thread th = new Thread(body, "stats-" + t);
            th.setUncaughtExceptionHandler((x, e) -> failures.add(e));
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(TimeUnit.SECONDS.toMillis(50));
            assertThat(th.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
    }
}
