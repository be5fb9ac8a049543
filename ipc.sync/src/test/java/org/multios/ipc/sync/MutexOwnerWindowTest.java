package org.multios.ipc.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.core.mapped.ProcessLiveness;
import org.multios.ipc.sync.internal.MutexTestHooks;

/**
 * Issue #21, item 1 and the mutex's part of item 2: a waiter that judges the owner of a robust
 * mutex never takes over a lock whose owner is alive. Each window is held open by a hook that
 * pauses a thread inside it. Before the fix the owner was the pid in the state word and its
 * start time and thread were separate words written after the compare-and-set: a waiter could
 * read a torn owner (new pid, previous start) or the previous thread of the same pid, judge it
 * dead and swap the unchanged state word to itself, a second holder.
 */
@Timeout(120)
class MutexOwnerWindowTest extends CrossProcessSyncSupport {
    private static final int LOCK_WORD = 128;

    /**
     * Same-JVM variant: W read the owner T1 and is paused; T1 unlocks and ends; T2, which slept,
     * takes the lock; W, resumed, finds T1 gone. It must not take the lock from T2.
     */
    @Test
    void aWaiterThatJudgedAnOwnerThatUnlockedAndEndedNeverTakesTheLockFromTheNextOwner() throws Exception {
        Mutex created = sync.createMutex("same-jvm", MutexOptions.DEFAULT, 0600);
        Mutex waiterHandle = sync.openMutex("same-jvm");
        CountDownLatch t1Locked = new CountDownLatch(1);
        CountDownLatch t1Release = new CountDownLatch(1);
        Thread t1 = new Thread(() -> {
            created.lock();
            t1Locked.countDown();
            awaitLatch(t1Release);
            created.unlock();
        }, "owner-1");
        t1.start();
        assertThat(t1Locked.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        AtomicBoolean t2Holds = new AtomicBoolean();
        CountDownLatch t2Locked = new CountDownLatch(1);
        CountDownLatch waiterJudged = new CountDownLatch(1);
        CompletableFuture<Void> t2 = CompletableFuture.runAsync(() -> {
            assertThat(created.lock()).isEqualTo(LockResult.ACQUIRED);
            t2Holds.set(true);
            t2Locked.countDown();
            awaitLatch(waiterJudged);
            assertThat(created.isHeldByCurrentThread()).as("T2 still holds after W judged").isTrue();
            t2Holds.set(false);
            created.unlock();
        }, runnable -> new Thread(runnable, "owner-2").start());
        await("T2 sleeps on the lock", null, () -> counter(created, Counter.CONTENTION) >= 1);

        CountDownLatch waiterRead = new CountDownLatch(1);
        CountDownLatch waiterGo = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        MutexTestHooks.install(waiterHandle, step -> {
            if (step == MutexTestHooks.OWNER_READ && first.get()) {
                waiterRead.countDown();
                awaitLatch(waiterGo);
            } else if (step == MutexTestHooks.OWNER_JUDGED && first.getAndSet(false)) {
                waiterJudged.countDown();
            }
        });
        AtomicReference<Boolean> t2HeldWhenWaiterGotIt = new AtomicReference<>();
        CompletableFuture<LockResult> waiter = CompletableFuture.supplyAsync(() -> {
            LockResult r = waiterHandle.lock(Duration.ofSeconds(WAIT_SECONDS));
            t2HeldWhenWaiterGotIt.set(t2Holds.get());
            if (r == LockResult.OWNER_DEAD) {
                waiterHandle.markConsistent();
            }
            waiterHandle.unlock();
            return r;
        }, runnable -> new Thread(runnable, "waiter").start());
        assertThat(waiterRead.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("W read T1 as the owner").isTrue();

        t1Release.countDown();
        t1.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        assertThat(t1.isAlive()).as("T1 ended").isFalse();
        assertThat(t2Locked.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("T2 took the lock").isTrue();
        waiterGo.countDown();

        t2.get(WAIT_SECONDS, TimeUnit.SECONDS); // T2 still held the lock and unlocked it (no NOT_OWNER)
        assertThat(waiter.get(WAIT_SECONDS, TimeUnit.SECONDS)).as("nobody died holding the lock")
                .isEqualTo(LockResult.ACQUIRED);
        assertThat(t2HeldWhenWaiterGotIt.get()).as("W got the lock while T2 held it").isFalse();
        assertThat(created.isConsistent()).isTrue();
    }

    /**
     * Cross-process variant: this JVM takes the lock and is paused right after the word became
     * its own (before the fix: after its pid was written, before its start time replaced the
     * previous owner's); a waiting child judges the owner meanwhile. It must find it alive.
     */
    @Test
    void aWaiterInAnotherProcessNeverReadsAHalfRecordedOwner() throws Exception {
        Mutex created = sync.createMutex("torn", MutexOptions.DEFAULT, 0600);
        Process previous = child("previous-owner", "lock", "torn");
        await("the previous owner locked and unlocked", previous, () -> children.hasLine(previous, "done lock"));

        CountDownLatch recording = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        MutexTestHooks.install(created, step -> {
            if (step == MutexTestHooks.ACQUIRED) {
                recording.countDown();
                awaitLatch(go);
            }
        });
        CompletableFuture<Void> owner = CompletableFuture.runAsync(() -> {
            assertThat(created.lock()).isEqualTo(LockResult.ACQUIRED);
            assertThat(created.isHeldByCurrentThread()).isTrue();
            created.unlock();
        }, runnable -> new Thread(runnable, "torn-owner").start());
        assertThat(recording.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        Process waiter = child("waiter", "lock", "torn");
        await("the waiting child judged the half-recorded owner", waiter, () -> children.hasLine(waiter, "judged"));
        go.countDown();

        owner.get(WAIT_SECONDS, TimeUnit.SECONDS); // held to the end and unlocked: not taken over
        await("the child got the lock after the owner unlocked", waiter, () -> children.hasLine(waiter, "done lock"));
        assertThat(children.output(waiter)).contains("result ACQUIRED").doesNotContain("OWNER_DEAD");
    }

    /**
     * Item 2: a process that cannot read {@code /proc} (no file descriptors left) must not judge
     * a live owner dead; before the fix {@code ProcessHandle.of} failed and said "gone".
     */
    @Test
    void aWaiterThatCannotReadProcNeverJudgesALiveOwnerDead() throws Exception {
        Mutex m = sync.createMutex("no-fds", MutexOptions.DEFAULT, 0600);
        assertThat(m.lock()).isEqualTo(LockResult.ACQUIRED);
        try {
            Process waiter = child("waiter", "lock-without-fds", "no-fds", "1000");
            await("the child tried without file descriptors", waiter,
                    () -> children.hasLine(waiter, "done lock-without-fds"));
            String out = children.output(waiter);
            assertThat(out).contains("warm error TIMEOUT").contains("exhausted after");
            assertThat(out).as("the child's verdict on this live owner").contains("\nerror TIMEOUT")
                    .doesNotContain("OWNER_DEAD");
            assertThat(m.isHeldByCurrentThread()).isTrue();
        } finally {
            m.unlock();
        }
    }

    /**
     * A reused id: the lock word names a thread id that a live process has now, with another
     * start tick (its dead owner's). The owner is dead: a waiter takes over with OWNER_DEAD.
     */
    @Test
    void anOwnerWhoseIdWasReusedIsDead() throws Exception {
        Mutex m = sync.createMutex("reused", MutexOptions.DEFAULT, 0600);
        sync.createMutex("held-by-the-live-child", MutexOptions.DEFAULT, 0600);
        Process live = child("live", "hold", "held-by-the-live-child");
        await("the child runs", live, () -> children.hasLine(live, "locked ACQUIRED"));
        int pid = (int) live.pid();
        ProcessLiveness liveness = ProcessLiveness.system();
        int tick = liveness.startTick(pid);
        assertThat(liveness.isOwnerDead(ProcessLiveness.ownerWord(pid, tick, false), liveness.namespaces()))
                .as("the live child itself").isFalse();
        writeLockWord("reused", ProcessLiveness.ownerWord(pid, tick + 1, false));

        assertThat(m.lock(Duration.ofSeconds(WAIT_SECONDS))).isEqualTo(LockResult.OWNER_DEAD);
        m.markConsistent();
        m.unlock();
        assertThat(live.isAlive()).isTrue();
    }

    /** An owner outside the mutex's home PID namespace is never judged, even when its id is free. */
    @Test
    void anOwnerFromAnotherNamespaceIsNeverJudgedDead() throws Exception {
        Mutex m = sync.createMutex("foreign", MutexOptions.DEFAULT, 0600);
        writeLockWord("foreign", ProcessLiveness.ownerWord(ProcessLiveness.MAX_ID, 1, true));
        assertThatThrownBy(() -> m.lock(Duration.ofMillis(300))).isInstanceOf(IpcException.class)
                .extracting(e -> ((IpcException) e).error()).isEqualTo(IpcError.TIMEOUT);
    }

    /** A file of the previous layout (owner pid in the state word) is refused, not misread. */
    @Test
    void aMutexFileOfTheOldLayoutIsRefusedWithAClearError() throws Exception {
        sync.createMutex("old", MutexOptions.DEFAULT, 0600);
        try (FileChannel file = FileChannel.open(root.resolve("mutex").resolve("old"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer page = file.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
            page.order(ByteOrder.nativeOrder());
            page.putInt(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET, 1);
            page.force();
        }
        assertThatThrownBy(() -> sync.openMutex("old")).isInstanceOf(IpcException.class)
                .hasMessageContaining("mutex 'old'").hasMessageContaining("layout version 1")
                .extracting(e -> ((IpcException) e).error()).isEqualTo(IpcError.CORRUPTED);
    }

    private void writeLockWord(String mutex, long word) throws Exception {
        try (FileChannel file = FileChannel.open(root.resolve("mutex").resolve(mutex), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer page = file.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
            page.order(ByteOrder.nativeOrder());
            page.putLong(LOCK_WORD, word);
            page.force();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released within " + WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
