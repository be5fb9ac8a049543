package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.LocalPlatform;
import org.multios.ipc.sync.internal.SyncFactories;

/**
 * Found by the mutex soak (issue #10): a waiter that wakes and takes a free mutex must leave
 * the "others sleep" bit (bit 31 of the futex word, the low half of the lock word at offset 128,
 * see SyncDescriptor) set, since other
 * waiters may still sleep in the kernel. Without it the next unlock sees no sleeper and wakes
 * nobody, and the remaining waiters only notice at the end of their 100 ms sleep slice: a lost
 * wake-up that costs latency (and, with many waiters, throughput), not exclusion. The check
 * reads the futex word from the mutex's file, as a native program would.
 *
 * <p>Without the fix (a waiter that slept takes a free lock as {@code owner | MUTEX_WAITERS_BIT},
 * as glibc's lock takes it as 2 after waiting) the word reads 0x00xxxxxx and the second waiter
 * comes 50-100 ms late.
 */
@Timeout(60)
class MutexWakeupTest {
    private static final int FUTEX_WORD = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 128 : 132;
    private static final int WAITERS_BIT = 0x8000_0000;

    @TempDir
    Path root;

    private IpcContext ipc;

    @AfterEach
    void close() {
        if (ipc != null) {
            ipc.close();
        }
    }

    @Test
    void aWokenWaiterThatTakesTheLockKeepsTheSleepersBitWhileOthersStillSleep() throws Exception {
        ipc = LocalPlatform.open(new IpcEnvironment(root, IpcLimits.defaults()), List.of(new SyncFactories.Sync()));
        Mutex m = ipc.service(SyncService.class).createMutex("wake", MutexOptions.DEFAULT, 0600);
        try (FileChannel file = FileChannel.open(root.resolve("mutex").resolve("wake"), StandardOpenOption.READ)) {
            MappedByteBuffer page = file.map(FileChannel.MapMode.READ_ONLY, 0, 4096);
            page.order(ByteOrder.nativeOrder());

            assertThat(m.lock()).isEqualTo(LockResult.ACQUIRED);
            BlockingQueue<Thread> acquired = new ArrayBlockingQueue<>(2);
            CountDownLatch release = new CountDownLatch(1);
            long[] acquiredAt = new long[2];
            Thread[] waiters = new Thread[2];
            for (int i = 0; i < 2; i++) {
                int index = i;
                waiters[i] = new Thread(() -> {
                    LockResult r = m.lock();
                    acquiredAt[index] = System.nanoTime();
                    acquired.add(Thread.currentThread());
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (r.isOwned()) {
                        m.unlock();
                    }
                }, "wakeup-waiter-" + i);
                waiters[i].setDaemon(true);
                waiters[i].start();
            }
            // both waiters found the lock held and went to sleep on the futex word
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (m.info().statistics().get(Counter.CONTENTION) < 2
                    || (page.getInt(FUTEX_WORD) & WAITERS_BIT) == 0) {
                assertThat(System.nanoTime() < deadline).as("both waiters waiting").isTrue();
                Thread.sleep(1);
            }
            for (Thread w : waiters) { // in the kernel, not still idling
                KernelSleep.awaitAsleepOn(w, root.resolve("mutex").resolve("wake"), FUTEX_WORD);
            }

            m.unlock(); // wakes one waiter; the other still sleeps
            Thread first = acquired.poll(30, TimeUnit.SECONDS);
            assertThat(first).as("a waiter took the lock").isNotNull();
            int word = page.getInt(FUTEX_WORD);
            boolean otherStillWaiting = acquired.isEmpty();

            release.countDown(); // the first unlocks: the other must be woken now
            long released = System.nanoTime();
            Thread second = acquired.poll(30, TimeUnit.SECONDS);
            assertThat(second).isNotNull();
            int secondIndex = second == waiters[0] ? 0 : 1;
            System.out.printf("mutex wake-up: the second waiter took the lock %.1f ms after the first unlocked%n",
                    (acquiredAt[secondIndex] - released) / 1e6);
            for (Thread w : waiters) {
                w.join(TimeUnit.SECONDS.toMillis(30));
            }

            assertThat(otherStillWaiting).as("the other waiter was still waiting").isTrue();
            assertThat(word & WAITERS_BIT)
                    .as("futex word 0x%08x after a woken waiter took the lock while another still sleeps: "
                            + "the sleepers bit must stay set, else the next unlock wakes nobody", word)
                    .isNotZero();
        }
    }
}
