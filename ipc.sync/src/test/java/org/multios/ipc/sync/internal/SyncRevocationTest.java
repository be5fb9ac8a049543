package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.assertDenied;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.event.Event;
import org.multios.ipc.event.EventService;
import org.multios.ipc.event.EventType;
import org.multios.ipc.sync.Condition;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.Mutex;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;
import org.multios.ipc.sync.SyncService;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.RecordingCaller;
import org.multios.ipc.spi.StepPause;

/**
 * Issue #26 item 1 for semaphores, mutexes, conditions and events: revoking a handle's grant
 * stops its waits that are already asleep in the kernel. The revocation wakes them (their slices
 * are an hour long, the watch does not look at their grants, and nothing else happens before
 * they must have failed), they fail with
 * PERMISSION_DENIED and are audited, and the permit, lock or event given after the revocation
 * stays for others. A sleeper that fails at revocation after it consumed the only wake-up of a
 * post or an unlock passes it on to the next sleeper; a step that passed its grant check before
 * the revocation ends before the revocation returns.
 */
@Timeout(60)
class SyncRevocationTest extends TwoCallersSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private final RecordingCaller victim = RecordingCaller.osUser(1);

    @Test
    void aBlockedAcquireFailsAtRevokeAndThePermitPostedAfterStays() throws Exception {
        Semaphore poster = sync(peer).createSemaphore("sem", SemaphoreOptions.of(0), 0666);
        SemaphoreHandle revoked = asleepAfterHour((SemaphoreHandle) sync(victim).openSemaphore("sem"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        awaitAsleep(start("s-rev-acquire", got, () -> {
            revoked.acquire();
            return "a permit";
        }), revoked, SyncDescriptor.STATE);

        victim.revokeAll();
        assertDenied(got);
        poster.release();

        assertThat(victim.denials()).containsExactly("acquire semaphore 'sem'");
        assertThat(poster.value()).as("the permit is still there").isEqualTo(1);
    }

    @Test
    void aBlockedLockFailsAtRevokeAndDoesNotTakeTheLockFreedAfter() throws Exception {
        Mutex owner = sync(peer).createMutex("mx", MutexOptions.DEFAULT, 0666);
        assertThat(owner.lock()).isEqualTo(LockResult.ACQUIRED);
        MutexHandle revoked = asleepAfterHour((MutexHandle) sync(victim).openMutex("mx"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        awaitAsleep(start("m-rev-lock", got, revoked::lock), revoked, SyncDescriptor.LOCK_FUTEX);

        victim.revokeAll();
        assertDenied(got);
        owner.unlock();

        assertThat(victim.denials()).containsExactly("lock mutex 'mx'");
        Mutex other = sync(peer).openMutex("mx");
        assertThat(other.tryLock()).as("the lock is free for others").isEqualTo(LockResult.ACQUIRED);
        other.unlock();
    }

    @Test
    void aBlockedConditionWaitFailsAtRevokeWithItsMutexHeldAgain() throws Exception {
        Condition signaller = sync(peer).createCondition("cv", 0666);
        Mutex mutex = sync(peer).createMutex("cvm", MutexOptions.DEFAULT, 0600);
        ConditionHandle revoked = asleepAfterHour((ConditionHandle) sync(victim).openCondition("cv"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        awaitAsleep(start("c-rev-wait", got, () -> {
            mutex.lock();
            try {
                return revoked.await(mutex);
            } finally {
                mutex.unlock();
            }
        }), revoked, SyncDescriptor.STATE);

        victim.revokeAll();
        assertDenied(got);
        signaller.signal();

        assertThat(victim.denials()).containsExactly("wait on condition 'cv'");
        assertThat(mutex.tryLock()).as("the waiter gave the mutex back").isEqualTo(LockResult.ACQUIRED);
        mutex.unlock();
    }

    @Test
    void aBlockedEventWaitFailsAtRevokeAndTheSignalSentAfterStays() throws Exception {
        Event signaller = events(peer).create("ev", EventType.AUTO_RESET, Set.of(), 0666);
        EventHandle revoked = asleepAfterHour((EventHandle) events(victim).open("ev"));
        CompletableFuture<Object> got = new CompletableFuture<>();
        awaitAsleep(start("e-rev-wait", got, revoked::await), revoked, SyncDescriptor.STATE);

        victim.revokeAll();
        assertDenied(got);
        signaller.signal(5);

        assertThat(victim.denials()).containsExactly("wait on event 'ev'");
        assertThat(signaller.tryAwait()).as("the event is still signalled").hasValue(5);
    }

    @Test
    void aBlockedWaitForAnyFailsAtRevokeAndTheSignalSentAfterStays() throws Exception {
        Event signaller = events(peer).create("any", EventType.AUTO_RESET, Set.of(), 0666);
        Event untouched = events(peer).create("any-other", EventType.AUTO_RESET, Set.of(), 0666);
        EventHandle revoked = asleepAfterHour((EventHandle) events(victim).open("any"));
        EventService victimEvents = events(victim);
        CompletableFuture<Object> got = new CompletableFuture<>();
        Thread waiter = start("e-rev-any", got, () -> victimEvents.waitAny(List.of(revoked, untouched)));
        KernelSleep.awaitAsleep(waiter, 0);

        victim.revokeAll();
        assertDenied(got);
        signaller.signal(6);

        assertThat(victim.denials()).containsExactly("wait on event 'any'");
        assertThat(signaller.tryAwait()).as("the event is still signalled").hasValue(6);
    }

    @Test
    void aRevokedSleeperWokenByThePostPassesTheWakeUpOnToTheNextSleeper() throws Exception {
        Semaphore poster = sync(peer).createSemaphore("handoff", SemaphoreOptions.of(0), 0666);
        SemaphoreHandle revoked = asleepAfterHour((SemaphoreHandle) sync(victim).openSemaphore("handoff"));
        SemaphoreHandle next = asleepAfterHour((SemaphoreHandle) sync(peer).openSemaphore("handoff"));
        CompletableFuture<Object> denied = new CompletableFuture<>();
        CompletableFuture<Object> acquired = new CompletableFuture<>();

        // the revoked waiter goes to sleep just after the revocation woke everyone: first in line
        asleepAfterRevoke(revoked, SyncDescriptor.STATE, "s-revoked", denied, () -> {
            revoked.acquire();
            return "a permit";
        });
        awaitAsleep(start("s-next", acquired, () -> {
            next.acquire();
            return "a permit";
        }), next, SyncDescriptor.STATE);
        poster.release(); // one wake-up: it reaches the revoked waiter

        assertDenied(denied);
        assertThat(acquired.get(20, TimeUnit.SECONDS)).as("the next sleeper got the permit").isEqualTo("a permit");
    }

    @Test
    void aRevokedLockerWokenByTheUnlockPassesTheWakeUpOnToTheNextLocker() throws Exception {
        Mutex owner = sync(peer).createMutex("mhandoff", MutexOptions.DEFAULT, 0666);
        assertThat(owner.lock()).isEqualTo(LockResult.ACQUIRED);
        MutexHandle revoked = asleepAfterHour((MutexHandle) sync(victim).openMutex("mhandoff"));
        MutexHandle next = asleepAfterHour((MutexHandle) sync(peer).openMutex("mhandoff"));
        CompletableFuture<Object> denied = new CompletableFuture<>();
        CompletableFuture<Object> locked = new CompletableFuture<>();

        asleepAfterRevoke(revoked, SyncDescriptor.LOCK_FUTEX, "m-revoked", denied, revoked::lock);
        awaitAsleep(start("m-next", locked, () -> {
            LockResult r = next.lock();
            next.unlock();
            return r;
        }), next, SyncDescriptor.LOCK_FUTEX);
        owner.unlock(); // one wake-up: it reaches the revoked locker

        assertDenied(denied);
        assertThat(locked.get(20, TimeUnit.SECONDS)).as("the next locker got the lock").isEqualTo(LockResult.ACQUIRED);
    }

    @Test
    void aTryAcquireThatPassedItsCheckHasTakenItsPermitBeforeRevokeReturns() throws Exception {
        Semaphore poster = sync(peer).createSemaphore("inflight", SemaphoreOptions.of(1), 0666);
        SemaphoreHandle revoked = (SemaphoreHandle) sync(victim).openSemaphore("inflight");
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        revoked.hook(pause::accept);
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        start("s-step", taken, revoked::tryAcquire);
        pause.awaitReached();

        CompletableFuture<Integer> valueWhenRevoked = new CompletableFuture<>();
        Thread revoker = start("s-revoker", valueWhenRevoked, () -> {
            victim.revokeAll();
            return poster.value();
        });
        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(taken.get(20, TimeUnit.SECONDS)).as("the step under way completes").isTrue();
        assertThat(valueWhenRevoked.get(20, TimeUnit.SECONDS)).as("the permit was taken before revoke returned")
                .isZero();
        assertThat(returnedWhileHeld).as("revoke waited for the step").isFalse();
    }

    @Test
    void anAnonymousObjectsGrantIsRegisteredSoThatRevocationReachesItsBlockedWait() throws Exception {
        SemaphoreHandle anonymous = asleepAfterHour((SemaphoreHandle) sync(victim).createSemaphore(SemaphoreOptions.of(0)));
        CompletableFuture<Object> got = new CompletableFuture<>();
        awaitAsleep(start("s-anon", got, () -> {
            anonymous.acquire();
            return "a permit";
        }), anonymous, SyncDescriptor.STATE);

        victim.revokeAll();

        assertDenied(got);
        assertThat(victim.denials()).containsExactly("acquire semaphore '#" + anonymous.id() + "'");
    }

    /**
     * Starts {@code call} on {@code handle}, holds it after its last grant check before it
     * sleeps, revokes the victim's grants, then lets it sleep: asleep with a revoked grant, which
     * only a wake-up for the object ends.
     */
    private void asleepAfterRevoke(SyncHandle handle, int word, String name, CompletableFuture<Object> result,
            Callable<?> call) throws Exception {
        StepPause pause = new StepPause().arm(SyncHandle.STEP_SLEEPING);
        handle.hook(pause::accept);
        Thread waiter = start(name, result, call);
        pause.awaitReached();
        victim.revokeAll();
        pause.resume();
        awaitAsleep(waiter, handle, word);
    }

    /**
     * The handle's sleeps last an hour and the mechanism's watch does not look at its grant: only
     * the revocation's own wake-up (or the object's) can end them.
     */
    private static <H extends SyncHandle> H asleepAfterHour(H handle) {
        handle.sliceNanos(HOUR);
        handle.watchClosing(false);
        return handle;
    }

    private static void awaitAsleep(Thread waiter, SyncHandle handle, int word) throws Exception {
        KernelSleep.awaitAsleep(waiter, handle.region.address(word));
    }
}
