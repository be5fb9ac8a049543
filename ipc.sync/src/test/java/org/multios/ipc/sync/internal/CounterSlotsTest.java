package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * Acquisitions and posts are counted per handle in the object's page ({@link CounterSlots}): the
 * uncontended paths leave the shared counters alone, the counts read exact from any handle however
 * many handles and threads count (more handles than slots included), a closed handle's counts stay,
 * and the slot of a process dead for certain is taken over with what it counted.
 */
@Timeout(60)
class CounterSlotsTest {
    @TempDir
    Path root;

    private SyncMechanism sync;
    private final RecordingCaller caller = RecordingCaller.osUser(1);

    @AfterEach
    void close() {
        if (sync != null) {
            sync.close();
        }
    }

    private SyncService sync() {
        if (sync == null) {
            sync = new SyncMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return sync.bind(caller);
    }

    private static long counter(Semaphore s, Counter c) {
        return s.info().statistics().get(c);
    }

    @Test
    void aHandleCountsInItsOwnSlotAndLeavesTheSharedCountersAlone() {
        SemaphoreHandle s = (SemaphoreHandle) sync().createSemaphore("own", SemaphoreOptions.of(1), 0600);
        for (int i = 0; i < 1000; i++) {
            assertThat(s.tryAcquire()).isTrue();
            s.release();
        }
        assertThat(s.counterSlot()).isNotEqualTo(CounterSlots.NONE);
        assertThat(counter(s, Counter.MESSAGES_OUT)).isEqualTo(1000);
        assertThat(counter(s, Counter.MESSAGES_IN)).isEqualTo(1000);
        MappedRegion page = s.region;
        assertThat(page.getLongVolatile(SyncDescriptor.ACQUISITIONS)).as("shared acquisitions").isZero();
        assertThat(page.getLongVolatile(SyncDescriptor.POSTS)).as("shared posts").isZero();
    }

    @Test
    void aMutexCountsItsLocksInItsOwnSlot() {
        MutexHandle m = (MutexHandle) sync().createMutex("locks", MutexOptions.DEFAULT, 0600);
        for (int i = 0; i < 500; i++) {
            m.lock();
            m.unlock();
        }
        assertThat(m.info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(500);
        assertThat(m.region.getLongVolatile(SyncDescriptor.ACQUISITIONS)).isZero();
    }

    @Test
    void countsStayExactWithMoreHandlesThanSlotsAndSeveralThreadsPerHandle() throws Exception {
        long seed = System.nanoTime();
        System.out.println("CounterSlotsTest seed " + seed);
        int handleCount = SyncDescriptor.COUNTER_SLOT_COUNT + 3;
        Semaphore first = sync().createSemaphore("many", SemaphoreOptions.of(0).withMax(1 << 20), 0600);
        List<Semaphore> handles = new ArrayList<>();
        handles.add(first);
        for (int i = 1; i < handleCount; i++) {
            handles.add(sync().openSemaphore("many"));
        }
        assertThat(handles.stream().filter(h -> ((SyncHandle) h).counterSlot() == CounterSlots.NONE).count())
                .as("handles beyond the slots count in the shared counters").isEqualTo(3);
        int threads = 6;
        int rounds = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                Callable<long[]> work = () -> {
                    long posts = 0;
                    long takes = 0;
                    for (int i = 0; i < rounds; i++) {
                        handles.get(random.nextInt(handles.size())).release();
                        posts++;
                        if (handles.get(random.nextInt(handles.size())).tryAcquire()) {
                            takes++;
                        }
                    }
                    return new long[] { posts, takes };
                };
                done.add(pool.submit(work));
            }
            long posts = 0;
            long takes = 0;
            for (Future<long[]> f : done) {
                long[] r = f.get(50, TimeUnit.SECONDS);
                posts += r[0];
                takes += r[1];
            }
            assertThat(counter(first, Counter.MESSAGES_IN)).isEqualTo(posts);
            assertThat(counter(first, Counter.MESSAGES_OUT)).isEqualTo(takes);

            for (Semaphore h : handles.subList(1, handles.size())) {
                h.close();
            }
            Semaphore again = sync().openSemaphore("many");
            assertThat(counter(again, Counter.MESSAGES_IN)).as("closed handles' counts stay").isEqualTo(posts);
            again.release();
            assertThat(counter(first, Counter.MESSAGES_IN)).isEqualTo(posts + 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedHandleGivesItsSlotBack() {
        SyncHandle a = (SyncHandle) sync().createSemaphore("reuse", SemaphoreOptions.of(0), 0600);
        SyncHandle b = (SyncHandle) sync().openSemaphore("reuse");
        int slot = b.counterSlot();
        assertThat(SyncDescriptor.COUNTERS.held(a.region, slot)).isTrue();
        b.close();
        assertThat(SyncDescriptor.COUNTERS.held(a.region, slot)).isFalse();
        assertThat(((SyncHandle) sync().openSemaphore("reuse")).counterSlot()).isEqualTo(slot);
    }

    @Test
    void theSlotOfAProcessDeadForCertainIsTakenOverWithItsCounts() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(20, TimeUnit.SECONDS)).isTrue();
        long deadWord = ProcessLiveness.ownerWord((int) gone.pid(), 1, false);
        SemaphoreHandle creator = (SemaphoreHandle) sync().createSemaphore("inherit", SemaphoreOptions.of(0), 0600);
        MappedRegion page = creator.region;
        int slot = creator.counterSlot() + 1;
        int holder = SyncDescriptor.COUNTER_SLOTS + slot * SyncDescriptor.COUNTER_SLOT_SIZE;
        page.putLongVolatile(holder, deadWord);
        page.putLongVolatile(holder + 64 + (3 * 2 + SyncHandle.POSTED) * Long.BYTES, 5); // it posted 5 in step slot 3
        int next = slot + 1;
        int liveHolder = SyncDescriptor.COUNTER_SLOTS + next * SyncDescriptor.COUNTER_SLOT_SIZE;
        long live = ProcessLiveness.system().currentProcessWord(page.getLongVolatile(SyncDescriptor.CREATOR_NAMESPACE));
        page.putLongVolatile(liveHolder, live); // held by a live process (this one): never taken
        assertThat(counter(creator, Counter.MESSAGES_IN)).isEqualTo(5);

        SyncHandle heir = (SyncHandle) sync().openSemaphore("inherit");
        assertThat(heir.counterSlot()).isEqualTo(slot);
        ((Semaphore) heir).release();
        assertThat(counter(creator, Counter.MESSAGES_IN)).isEqualTo(6);
        SyncHandle third = (SyncHandle) sync().openSemaphore("inherit");
        assertThat(third.counterSlot()).as("the live holder's slot is skipped").isEqualTo(next + 1);
    }
}
