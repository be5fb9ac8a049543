package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;

/**
 * What ends a sleep in the kernel that no post, unlock or signal ends: an interrupt, a handle
 * closed or a grant revoked just before the sleep began (their own wake-up came too early), and a
 * mutex holder that died. Every waiter here sleeps in slices of an hour, so nothing but the
 * mechanism's {@link org.multios.ipc.core.mapped.SleeperWatch} can end its sleep within the
 * test's timeout: a waiter that noticed these only between slices would hang past it.
 */
@Timeout(60)
class SleeperWatchTest extends TwoCallersSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final RecordingCaller waiterCaller = RecordingCaller.osUser(1);

    @Test
    void anAcquireAsleepInTheKernelEndsWhenItsThreadIsInterrupted() throws Exception {
        sync(peer).createSemaphore("int-sem", SemaphoreOptions.of(0), 0666);
        SemaphoreHandle waiting = hourSlices((SemaphoreHandle) sync(waiterCaller).openSemaphore("int-sem"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread waiter = start("w-int-acquire", got, () -> {
            waiting.acquire();
            return "a permit";
        });
        KernelSleep.awaitAsleep(waiter, waiting.region.address(SyncDescriptor.STATE));

        waiter.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
    }

    @Test
    void aLockAsleepInTheKernelEndsWhenItsThreadIsInterrupted() throws Exception {
        Mutex owner = sync(peer).createMutex("int-mx", MutexOptions.DEFAULT, 0666);
        assertThat(owner.lock()).isEqualTo(LockResult.ACQUIRED);
        MutexHandle waiting = hourSlices((MutexHandle) sync(waiterCaller).openMutex("int-mx"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread waiter = start("w-int-lock", got, waiting::lock);
        KernelSleep.awaitAsleep(waiter, waiting.region.address(SyncDescriptor.LOCK_FUTEX));

        waiter.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
        owner.unlock();
    }

    @Test
    void aWaitForAnyAsleepInTheKernelEndsWhenItsThreadIsInterrupted() throws Exception {
        events(peer).create("int-any", EventType.AUTO_RESET, Set.of(), 0666);
        Event other = events(peer).create("int-any-other", EventType.AUTO_RESET, Set.of(), 0666);
        EventHandle waiting = hourSlices((EventHandle) events(waiterCaller).open("int-any"));
        EventService waiterEvents = events(waiterCaller);
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread waiter = start("w-int-any", got, () -> waiterEvents.waitAny(List.of(waiting, other)));
        KernelSleep.awaitAsleep(waiter, 0);

        waiter.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
    }

    @Test
    void anAcquireWhoseHandleClosedJustBeforeItSleptStillEnds() throws Exception {
        sync(peer).createSemaphore("close-sem", SemaphoreOptions.of(0), 0666);
        SemaphoreHandle waiting = hourSlices((SemaphoreHandle) sync(waiterCaller).openSemaphore("close-sem"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        StepPause pause = new StepPause().arm(SyncHandle.STEP_SLEEPING);
        waiting.hook(pause::accept);
        start("w-close-acquire", got, () -> {
            waiting.acquire();
            return "a permit";
        });
        pause.awaitReached(); // past its last check, not yet in the kernel

        waiting.close(); // its wake-up finds nobody asleep
        pause.resume();
        assertFails(got, IpcError.CLOSED);
    }

    @Test
    void aLockWhoseGrantWasRevokedJustBeforeItSleptStillEnds() throws Exception {
        Mutex owner = sync(peer).createMutex("rev-mx", MutexOptions.DEFAULT, 0666);
        assertThat(owner.lock()).isEqualTo(LockResult.ACQUIRED);
        MutexHandle waiting = hourSlices((MutexHandle) sync(waiterCaller).openMutex("rev-mx"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        StepPause pause = new StepPause().arm(SyncHandle.STEP_SLEEPING);
        waiting.hook(pause::accept);
        start("w-rev-lock", got, waiting::lock);
        pause.awaitReached();

        waiterCaller.revokeAll();
        pause.resume();
        assertFails(got, IpcError.PERMISSION_DENIED);
        owner.unlock();
    }

    @Test
    void aLockerAsleepInTheKernelTakesOverFromAHolderThreadThatDied() throws Exception {
        Mutex held = sync(peer).createMutex("dead-mx", MutexOptions.DEFAULT, 0666);
        MutexHandle waiting = hourSlices((MutexHandle) sync(waiterCaller).openMutex("dead-mx"));
        waiting.setWaitStrategy(WaitStrategy.BLOCK); // straight to the kernel: no idle pass judges the owner
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch die = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            held.lock();
            locked.countDown();
            try {
                die.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // ends without unlocking: its OS thread is gone, the lock word still names it
        }, "w-dead-holder");
        holder.start();
        assertThat(locked.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<LockResult> got = new CompletableFuture<>();
        Thread locker = start("w-dead-lock", got, waiting::lock);
        KernelSleep.awaitAsleep(locker, waiting.region.address(SyncDescriptor.LOCK_FUTEX));

        die.countDown();
        holder.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo(LockResult.OWNER_DEAD);
        assertThat(waiting.isHeldByCurrentThread()).as("held by the locker thread, not this one").isFalse();
    }

    @Test
    void anAcquireAsleepInTheKernelWakesWithClosedWhenTheMechanismIsReleasing() throws Exception {
        sync(peer).createSemaphore("rel-sem", SemaphoreOptions.of(0), 0666);
        SemaphoreHandle waiting = hourSlices((SemaphoreHandle) sync(waiterCaller).openSemaphore("rel-sem"));
        waiting.watchClosing(false); // only releasing's own wake-up can end the sleep
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread waiter = start("w-rel-acquire", got, () -> {
            waiting.acquire();
            return "a permit";
        });
        KernelSleep.awaitAsleep(waiter, waiting.region.address(SyncDescriptor.STATE));

        syncMechanism().releasing(); // the framework's call before it releases the callers of a departing bundle
        assertFails(got, IpcError.CLOSED);
    }

    /** Sleeps of an hour: only a wake-up can end them within a test. */
    private static <H extends SyncHandle> H hourSlices(H handle) {
        handle.sliceNanos(HOUR);
        return handle;
    }

    private static void assertFails(CompletableFuture<?> result, IpcError expected) throws Exception {
        try {
            throw new AssertionError("expected " + expected + ", got " + result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(expected));
        }
    }
}
