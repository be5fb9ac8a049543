package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.BlockedCalls;

class SemaphoreTest extends SyncTestSupport {
    @Test
    @Timeout(10)
    void waitAndPostAsInTheOriginalSpecification() {
        Semaphore s = sync(context()).createSemaphore(1);
        s.acquire(Duration.ofSeconds(1));
        assertThat(s.value()).isZero();
        assertThat(s.tryAcquire()).isFalse();
        s.release();
        assertThat(s.value()).isEqualTo(1);
    }

    @Test
    @Timeout(10)
    void aPostFromAnotherProcessWakesANamedSemaphoreWaiter() throws Exception {
        Semaphore waiting = sync(context()).createSemaphore("ready", SemaphoreOptions.of(0), 0600);
        Semaphore posting = sync(context()).openSemaphore("ready");
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> waiting.acquire(Duration.ofSeconds(8)));
        posting.release();
        waiter.get(9, TimeUnit.SECONDS);
        assertThat(waiting.value()).isZero();
    }

    @Test
    @Timeout(10)
    void timedWaitTimesOutAndCountsIt() {
        Semaphore s = sync(context()).createSemaphore(0);
        assertThatThrownBy(() -> s.acquire(Duration.ofMillis(50)))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.TIMEOUT));
        assertThat(s.info().statistics().get(org.multios.ipc.Counter.TIMEOUTS)).isEqualTo(1);
    }

    @Test
    void aPostPastTheMaximumIsRefusedAndChangesNothing() {
        Semaphore s = sync(context()).createSemaphore(SemaphoreOptions.binary(true));
        assertThatThrownBy(s::release)
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED))
                .hasMessageContaining("maximum 1");
        assertThat(s.value()).isEqualTo(1);
    }

    @Test
    @Timeout(60)
    void manyThreadsNeverExceedThePermits() throws Exception {
        IpcContext a = context();
        IpcContext b = context();
        Semaphore sa = sync(a).createSemaphore("permits", SemaphoreOptions.of(3), 0600);
        Semaphore sb = sync(b).openSemaphore("permits");
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CompletableFuture<?>[] all = new CompletableFuture<?>[8];
            for (int t = 0; t < 8; t++) {
                Semaphore s = t % 2 == 0 ? sa : sb;
                all[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        s.acquire();
                        worst.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        inside.decrementAndGet();
                        s.release();
                    }
                }, pool);
            }
            CompletableFuture.allOf(all).get(50, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(worst.get()).isBetween(1, 3);
        assertThat(sa.value()).isEqualTo(3);
    }

    @Test
    @Timeout(10)
    void closingTheContextWakesItsWaitersWithClosed() throws Exception {
        IpcContext c = context();
        Semaphore s = sync(c).createSemaphore(0);
        CompletableFuture<IpcError> waiter = new CompletableFuture<>();
        BlockedCalls.start("sem-close-acquire", waiter, () -> {
            try {
                s.acquire();
                return null;
            } catch (IpcException e) {
                return e.error();
            }
        });
        awaitWaits(s, 1); // inside acquire, waiting: not refused at the door of a closed handle
        c.close();
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo(IpcError.CLOSED);
    }
}
