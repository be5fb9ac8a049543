package org.multios.ipc.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Quota;

class QuotaLedgerTest {

    @Test
    void reservesUpToTheMaximum() {
        QuotaLedger ledger = new QuotaLedger("bundle 5", Map.of(Quota.OBJECTS, 3L));

        ledger.reserve(Quota.OBJECTS, 1);
        ledger.reserve(Quota.OBJECTS, 2);

        assertThat(ledger.used(Quota.OBJECTS)).isEqualTo(3);
        assertThat(ledger.maximum(Quota.OBJECTS)).isEqualTo(3);
    }

    @Test
    void reservingPastTheMaximumFailsNamingTheQuotaAndTakesNothing() {
        QuotaLedger ledger = new QuotaLedger("bundle 5", Map.of(Quota.SHARED_MEMORY_BYTES, 1000L));
        ledger.reserve(Quota.SHARED_MEMORY_BYTES, 600);

        assertThatThrownBy(() -> ledger.reserve(Quota.SHARED_MEMORY_BYTES, 401))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED))
                .hasMessageContaining("quota.shm.bytes")
                .hasMessageContaining("bundle 5")
                .hasMessageContaining("1000");

        assertThat(ledger.used(Quota.SHARED_MEMORY_BYTES)).isEqualTo(600);
        ledger.reserve(Quota.SHARED_MEMORY_BYTES, 400);
        assertThat(ledger.used(Quota.SHARED_MEMORY_BYTES)).isEqualTo(1000);
    }

    @Test
    void absentQuotasAreUnlimitedButDoNotOverflow() {
        QuotaLedger ledger = new QuotaLedger("p", Map.of());
        assertThat(ledger.maximum(Quota.QUEUED_MESSAGES)).isEqualTo(Long.MAX_VALUE);

        ledger.reserve(Quota.QUEUED_MESSAGES, Long.MAX_VALUE - 1);
        ledger.reserve(Quota.QUEUED_MESSAGES, 1);
        assertThatThrownBy(() -> ledger.reserve(Quota.QUEUED_MESSAGES, 1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED));
        assertThat(ledger.used(Quota.QUEUED_MESSAGES)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void quotasAreIndependent() {
        QuotaLedger ledger = new QuotaLedger("p", Map.of(Quota.OBJECTS, 1L, Quota.SIGNAL_HANDLERS, 1L));
        ledger.reserve(Quota.OBJECTS, 1);
        ledger.reserve(Quota.SIGNAL_HANDLERS, 1);
        assertThat(ledger.usage()).containsEntry(Quota.OBJECTS, 1L).containsEntry(Quota.SIGNAL_HANDLERS, 1L)
                .containsEntry(Quota.SHARED_MEMORY_BYTES, 0L).containsEntry(Quota.QUEUED_MESSAGES, 0L);
    }

    @Test
    void negativeReservationIsInvalid() {
        QuotaLedger ledger = new QuotaLedger("p", Map.of(Quota.OBJECTS, 5L));
        assertThatThrownBy(() -> ledger.reserve(Quota.OBJECTS, -1))
                .isInstanceOfSatisfying(IpcException.class,
                        e -> assertThat(e.error()).isEqualTo(IpcError.INVALID_ARGUMENT))
                .hasMessageContaining("quota.objects");
        assertThat(ledger.used(Quota.OBJECTS)).isZero();
    }

    @Test
    void releaseGivesBackAndNeverGoesBelowZero() {
        QuotaLedger ledger = new QuotaLedger("p", Map.of(Quota.OBJECTS, 5L));
        ledger.reserve(Quota.OBJECTS, 3);

        ledger.release(Quota.OBJECTS, 2);
        assertThat(ledger.used(Quota.OBJECTS)).isEqualTo(1);

        ledger.release(Quota.OBJECTS, 10);
        assertThat(ledger.used(Quota.OBJECTS)).isZero();

        ledger.release(Quota.OBJECTS, 1);
        assertThat(ledger.used(Quota.OBJECTS)).isZero();

        ledger.reserve(Quota.OBJECTS, 5);
        assertThat(ledger.used(Quota.OBJECTS)).isEqualTo(5);
    }

    @Test
    void concurrentReserveAndReleaseNeverPassTheMaximum() {
        int threads = 8;
        int pairs = 10_000;
        long max = 5;
        QuotaLedger ledger = new QuotaLedger("p", Map.of(Quota.QUEUED_MESSAGES, max));
        AtomicLong highest = new AtomicLong();
        AtomicLong granted = new AtomicLong();

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < pairs; i++) {
                            try {
                                ledger.reserve(Quota.QUEUED_MESSAGES, 1);
                            } catch (IpcException e) {
                                assertThat(e.error()).isEqualTo(IpcError.LIMIT_EXCEEDED);
                                continue;
                            }
                            granted.incrementAndGet();
                            highest.accumulateAndGet(ledger.used(Quota.QUEUED_MESSAGES), Math::max);
                            ledger.release(Quota.QUEUED_MESSAGES, 1);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : results) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        });

        assertThat(ledger.used(Quota.QUEUED_MESSAGES)).isZero();
        assertThat(highest.get()).isBetween(1L, max);
        assertThat(granted.get()).isPositive();
    }
}
