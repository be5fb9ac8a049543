package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.spi.BlockedCalls;

class MutexAndConditionTest extends SyncTestSupport {
    private long counter;

    @Test
    @Timeout(60)
    void mutualExclusionHoldsAcrossThreadsAndProcesses() throws Exception {
        Mutex ma = sync(context()).createMutex("m", MutexOptions.DEFAULT, 0600);
        Mutex mb = sync(context()).openMutex("m");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            CompletableFuture<?>[] all = new CompletableFuture<?>[6];
            for (int t = 0; t < 6; t++) {
                Mutex m = t % 2 == 0 ? ma : mb;
                all[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        m.lock();
                        try {
                            long before = counter;
                            counter = before + 1;
                        } finally {
                            m.unlock();
                        }
                    }
                }, pool);
            }
            CompletableFuture.allOf(all).get(50, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(counter).isEqualTo(30_000);
    }

    @Test
    @Timeout(10)
    void onlyTheOwnerUnlocksAndANonRecursiveRelockIsADeadlock() throws Exception {
        Mutex m = sync(context()).createMutex(MutexOptions.DEFAULT);
        assertThat(m.lock()).isEqualTo(LockResult.ACQUIRED);
        assertThatThrownBy(m::lock).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.DEADLOCK));
        IpcError other = CompletableFuture.supplyAsync(() -> {
            try {
                m.unlock();
                return null;
            } catch (IpcException e) {
                return e.error();
            }
        }).get(5, TimeUnit.SECONDS);
        assertThat(other).isEqualTo(IpcError.NOT_OWNER);
        m.unlock();
        assertThat(m.tryLock()).isEqualTo(LockResult.ACQUIRED);
        m.unlock();
    }

    @Test
    @Timeout(10)
    void aRecursiveMutexCountsItsHolds() {
        Mutex m = sync(context()).createMutex(MutexOptions.DEFAULT.withRecursive(true));
        m.lock();
        m.lock();
        assertThat(m.holdCount()).isEqualTo(2);
        m.unlock();
        assertThat(m.isHeldByCurrentThread()).isTrue();
        m.unlock();
        assertThat(m.isHeldByCurrentThread()).isFalse();
    }

    @Test
    @Timeout(10)
    void theNextLockerLearnsOwnerDeadWhenTheHolderGoesAway() throws Exception {
        IpcContext holder = context();
        Mutex held = sync(holder).createMutex("robust", MutexOptions.DEFAULT, 0600);
        Mutex mine = sync(context()).openMutex("robust");
        held.lock();
        CompletableFuture<LockResult> next = new CompletableFuture<>();
        BlockedCalls.start("mutex-next-locker", next, () -> mine.lock(Duration.ofSeconds(8)));
        awaitWaits(mine, 1); // waiting on the holder, not a locker arriving after it left
        holder.close();
        assertThat(next.get(9, TimeUnit.SECONDS)).isEqualTo(LockResult.OWNER_DEAD);
        assertThat(mine.isConsistent()).isFalse();
    }

    @Test
    @Timeout(10)
    void anInconsistentMutexUnlockedUnmarkedIsNotRecoverable() throws Exception {
        IpcContext holder = context();
        sync(holder).createMutex("r2", MutexOptions.DEFAULT, 0600).lock();
        holder.close();
        Mutex m = sync(context()).openMutex("r2");
        assertThat(m.lock()).isEqualTo(LockResult.OWNER_DEAD);
        m.unlock();
        assertThat(m.isNotRecoverable()).isTrue();
        assertThatThrownBy(m::lock).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.NOT_RECOVERABLE));
    }

    @Test
    @Timeout(10)
    void markingConsistentRecoversTheMutex() throws Exception {
        IpcContext holder = context();
        sync(holder).createMutex("r3", MutexOptions.DEFAULT, 0600).lock();
        holder.close();
        Mutex m = sync(context()).openMutex("r3");
        assertThat(m.lock()).isEqualTo(LockResult.OWNER_DEAD);
        m.markConsistent();
        m.unlock();
        assertThat(m.lock()).isEqualTo(LockResult.ACQUIRED);
        m.unlock();
    }

    @Test
    @Timeout(60)
    void aBoundedBufferOnAConditionLosesNoWakeUp() throws Exception {
        SyncService s = sync(context());
        Mutex m = s.createMutex(MutexOptions.DEFAULT);
        Condition notEmpty = s.createCondition();
        Condition notFull = s.createCondition();
        Deque<Integer> buffer = new ArrayDeque<>();
        int n = 20_000;
        CompletableFuture<Long> consumer = CompletableFuture.supplyAsync(() -> {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                m.lock();
                try {
                    while (buffer.isEmpty()) {
                        notEmpty.await(m, Duration.ofSeconds(30));
                    }
                    sum += buffer.removeFirst();
                    notFull.signal();
                } finally {
                    m.unlock();
                }
            }
            return sum;
        });
        for (int i = 1; i <= n; i++) {
            m.lock();
            try {
                while (buffer.size() >= 4) {
                    notFull.await(m, Duration.ofSeconds(30));
                }
                buffer.addLast(i);
                notEmpty.signal();
            } finally {
                m.unlock();
            }
        }
        assertThat(consumer.get(50, TimeUnit.SECONDS)).isEqualTo((long) n * (n + 1) / 2);
    }

    @Test
    @Timeout(10)
    void aTimedConditionWaitTimesOutHoldingTheMutexAgain() {
        SyncService s = sync(context());
        Mutex m = s.createMutex(MutexOptions.DEFAULT);
        Condition c = s.createCondition();
        m.lock();
        assertThatThrownBy(() -> c.await(m, Duration.ofMillis(50))).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.TIMEOUT));
        assertThatThrownBy(() -> c.await(m, Duration.ofMillis(50))).hasMessageStartingWith("TIMEOUT: wait on anonymous condition #")
                .hasMessageEndingWith(" timed out");
        assertThat(m.isHeldByCurrentThread()).isTrue();
        m.unlock();
    }
}
