package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.core.mapped.ProcessFence;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.StepPause;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.Semaphore;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * The revocation guard of the uncontended paths ({@link StepGuard}): with the process-wide fence
 * and with the grant's atomic gate, nothing passes through a handle once its revocation has
 * returned, however the revocation falls among the steps of several threads (the stress tests
 * print their seed; a random pause inside each step, after its grant check, widens the window
 * that the revocation must wait out); a mutex never has two holders while handles are revoked
 * under its lockers; and threads beyond the guard's slots, or in the slot of a thread that
 * ended, step and count exactly.
 */
@Timeout(120)
class StepGuardTest extends TwoCallersSupport {
    private static final int THREADS = 4;

    @Test
    void theFenceIsThereOnThisSystem() {
        // the container and CI are Linux 4.14 or later: the fast path is the one measured
        assertThat(ProcessFence.isSupported()).isTrue();
        SyncHandle h = (SyncHandle) sync(peer).createSemaphore(SemaphoreOptions.of(1));
        assertThat(h.guard().fenced()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void noPostPassesARevokedHandleOnceRevokeReturned(boolean fenced) throws Exception {
        long seed = System.nanoTime();
        System.out.println("StepGuardTest posts fenced=" + fenced + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (int round = 0; round < 20; round++) {
            SemaphoreHandle owner = (SemaphoreHandle) sync(peer).createSemaphore("posts" + round,
                    SemaphoreOptions.of(0).withMax(1 << 30), 0600);
            Grant grant = new Grant(Rights.ALL);
            SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, grant, new StepGuard(fenced));
            long[] stepSeeds = random.longs(THREADS).toArray();
            Race race = race(victim, stepSeeds, () -> victim.release());
            race.started.await();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(3_000));

            grant.revoke();
            int whenRevoked = owner.value();
            race.join();

            assertThat(race.denied.get()).as("every thread ends refused (seed %d)", seed).isEqualTo(THREADS);
            assertThat(owner.value()).as("no post after revoke returned (seed %d)", seed).isEqualTo(whenRevoked);
            assertThat((long) whenRevoked).as("every post that returned is in the value").isEqualTo(race.done.get());
            victim.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void noPermitIsTakenThroughARevokedHandleOnceRevokeReturned(boolean fenced) throws Exception {
        long seed = System.nanoTime();
        System.out.println("StepGuardTest acquires fenced=" + fenced + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        int permits = 1 << 24;
        for (int round = 0; round < 20; round++) {
            SemaphoreHandle owner = (SemaphoreHandle) sync(peer).createSemaphore("takes" + round,
                    SemaphoreOptions.of(permits).withMax(permits), 0600);
            Grant grant = new Grant(Rights.ALL);
            SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, grant, new StepGuard(fenced));
            Race race = race(victim, random.longs(THREADS).toArray(), () -> assertThat(victim.tryAcquire()).isTrue());
            race.started.await();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(3_000));

            grant.revoke();
            int whenRevoked = owner.value();
            race.join();

            assertThat(race.denied.get()).isEqualTo(THREADS);
            assertThat(owner.value()).as("no permit taken after revoke returned (seed %d)", seed).isEqualTo(whenRevoked);
            assertThat((long) permits - whenRevoked).isEqualTo(race.done.get());
            assertThat(owner.info().statistics().get(Counter.MESSAGES_OUT)).as("counted exactly")
                    .isEqualTo(race.done.get());
            victim.close();
        }
    }

    /**
     * Lockers on three handles, one of them revoked and replaced at random moments: whoever holds
     * the lock finds nobody else inside, and a revoked handle locks nothing after its revocation
     * returned.
     */
    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void aMutexNeverHasTwoHoldersWhileHandlesAreRevokedUnderItsLockers(boolean fenced) throws Exception {
        long seed = System.nanoTime();
        System.out.println("StepGuardTest mutex fenced=" + fenced + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        // not robust: closing the revoked handle frees a lock held through it, with no owner-dead
        MutexHandle owner = (MutexHandle) sync(peer).createMutex("two", new MutexOptions(false, false), 0600);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger twoHolders = new AtomicInteger();
        for (int round = 0; round < 20; round++) {
            Grant grant = new Grant(Rights.ALL);
            MutexHandle victim = new MutexHandle(owner.session, owner.object, grant, new StepGuard(fenced));
            assertThat(victim.counterSlot()).isNotEqualTo(CounterSlots.NONE);
            MutexHandle other = new MutexHandle(owner.session, owner.object, new Grant(Rights.ALL), new StepGuard(fenced));
            ThreadLocal<SplittableRandom> pauses = pauseInsideSteps(victim, 1);
            AtomicLong lockedAfterRevoke = new AtomicLong();
            AtomicInteger revokedFlag = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(2 * THREADS);
            List<CompletableFuture<Void>> lockers = new ArrayList<>();
            long[] seeds = random.longs(2 * THREADS).toArray();
            for (int t = 0; t < 2 * THREADS; t++) {
                MutexHandle h = t % 2 == 0 ? victim : other;
                SplittableRandom r = new SplittableRandom(seeds[t]);
                CompletableFuture<Void> done = new CompletableFuture<>();
                lockers.add(done);
                Thread thread = new Thread(() -> {
                    pauses.set(r);
                    started.countDown();
                    try {
                        for (int i = 0; i < 5_000; i++) {
                            boolean revokedBefore = revokedFlag.get() != 0;
                            try {
                                h.lock();
                            } catch (IpcException e) {
                                if (h != victim || !stopsVictim(e)) {
                                    throw e;
                                }
                                break;
                            }
                            if (revokedBefore && h == victim) {
                                lockedAfterRevoke.incrementAndGet();
                            }
                            if (inside.incrementAndGet() != 1) {
                                twoHolders.incrementAndGet();
                            }
                            spin(r.nextInt(50));
                            inside.decrementAndGet();
                            try {
                                h.unlock();
                            } catch (IpcException e) {
                                if (h != victim || e.error() != IpcError.PERMISSION_DENIED) {
                                    throw e;
                                }
                                break; // the lock stays held through the victim until the test closes it

                            }
                        }
                        done.complete(null);
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    }
                }, "step-guard-locker-" + t);
                thread.start();
            }
            started.await();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(2_000));
            grant.revoke();
            revokedFlag.set(1);
            // the victim counts each lock inside its step: nothing may be added once revoke returned
            long victimLocks = SyncDescriptor.COUNTERS.sumOf(owner.region, victim.counterSlot(), SyncHandle.ACQUIRED);
            for (int t = 0; t < lockers.size(); t += 2) {
                lockers.get(t).get(60, TimeUnit.SECONDS); // the victim's lockers, refused
            }
            victim.close(); // frees the lock if a victim's locker held it when its unlock was refused
            for (int t = 1; t < lockers.size(); t += 2) {
                lockers.get(t).get(60, TimeUnit.SECONDS);
            }
            assertThat(twoHolders.get()).as("two holders at once (seed %d)", seed).isZero();
            assertThat(lockedAfterRevoke.get()).as("a lock through a handle revoked before (seed %d)", seed).isZero();
            assertThat(SyncDescriptor.COUNTERS.sumOf(owner.region, victim.counterSlot(), SyncHandle.ACQUIRED))
                    .as("locks through the victim after revoke returned (seed %d)", seed).isEqualTo(victimLocks);
            assertThat(owner.tryLock()).as("the lock is free at the end").isEqualTo(LockResult.ACQUIRED);
            owner.unlock();
            victim.close();
            other.close();
        }
    }

    private static boolean stopsVictim(IpcException e) {
        return e.error() == IpcError.PERMISSION_DENIED || e.error() == IpcError.CLOSED;
    }

    @Test
    void aRevocationWaitsForAStepHeldAfterItsCheckInTheFencedPath() throws Exception {
        SemaphoreHandle owner = (SemaphoreHandle) sync(peer).createSemaphore("held", SemaphoreOptions.of(1), 0600);
        Grant grant = new Grant(Rights.ALL);
        SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, grant, new StepGuard(true));
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        victim.hook(pause::accept);
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        Thread stepper = new Thread(() -> taken.complete(victim.tryAcquire()), "step-guard-held");
        stepper.start();
        pause.awaitReached();
        CompletableFuture<Integer> valueWhenRevoked = new CompletableFuture<>();
        Thread revoker = new Thread(() -> {
            grant.revoke();
            valueWhenRevoked.complete(owner.value());
        }, "step-guard-revoker");
        revoker.start();

        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(returnedWhileHeld).as("revoke waited for the step").isFalse();
        assertThat(taken.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(valueWhenRevoked.get(20, TimeUnit.SECONDS)).isZero();
        assertThatThrownBy(victim::tryAcquire).isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.PERMISSION_DENIED));
    }

    @Test
    void threadsBeyondTheSlotsAndInTheSlotsOfEndedThreadsStepAndCountExactly() throws Exception {
        SemaphoreHandle h = (SemaphoreHandle) sync(peer).createSemaphore("crowd", SemaphoreOptions.of(0).withMax(1 << 30), 0600);
        int threads = StepGuard.SLOTS + 4;
        int rounds = 20_000;
        CountDownLatch allStepped = new CountDownLatch(threads);
        CountDownLatch finish = new CountDownLatch(1);
        List<Thread> crowd = new ArrayList<>();
        AtomicInteger slotless = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    h.release();
                }
                if (h.guard().slotOf(Thread.currentThread()) == StepGuard.NONE) {
                    slotless.incrementAndGet();
                }
                allStepped.countDown();
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "step-guard-crowd-" + t);
            crowd.add(thread);
            thread.start();
        }
        assertThat(allStepped.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(slotless.get()).as("threads beyond the slots").isEqualTo(threads - StepGuard.SLOTS);
        finish.countDown();
        for (Thread t : crowd) {
            t.join(TimeUnit.SECONDS.toMillis(20));
        }
        long posts = (long) threads * rounds;
        assertThat(h.value()).isEqualTo((int) posts);
        assertThat(h.info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(posts);

        Thread heir = new Thread(() -> {
            assertThat(h.guard().slotOf(Thread.currentThread())).as("an ended thread's slot").isNotEqualTo(StepGuard.NONE);
            h.release();
        }, "step-guard-heir");
        heir.start();
        heir.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(h.info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(posts + 1);
    }

    /**
     * Makes one step in eight of {@code handle} pause for a random while after its grant check
     * (by the stepping thread's own random, set through the returned thread-local).
     */
    private static ThreadLocal<SplittableRandom> pauseInsideSteps(SyncHandle handle) {
        return pauseInsideSteps(handle, 8);
    }

    /** As {@link #pauseInsideSteps(SyncHandle)}, pausing one step in {@code every}. */
    private static ThreadLocal<SplittableRandom> pauseInsideSteps(SyncHandle handle, int every) {
        ThreadLocal<SplittableRandom> mine = new ThreadLocal<>();
        handle.hook(s -> {
            SplittableRandom r = mine.get();
            if (s == GuardedHandle.STEP_GRANTED && r != null && r.nextInt(every) == 0) {
                spin(r.nextInt(2_000));
            }
        });
        return mine;
    }

    /** Threads stepping through {@code victim} until it refuses them, each pausing randomly inside its steps. */
    private static Race race(SyncHandle victim, long[] seeds, Runnable step) {
        Race race = new Race(seeds.length);
        SplittableRandom[] randoms = new SplittableRandom[seeds.length];
        ThreadLocal<SplittableRandom> mine = pauseInsideSteps(victim);
        for (int t = 0; t < seeds.length; t++) {
            randoms[t] = new SplittableRandom(seeds[t]);
            SplittableRandom r = randoms[t];
            Thread thread = new Thread(() -> {
                mine.set(r);
                race.started.countDown();
                try {
                    while (true) {
                        step.run();
                        race.done.incrementAndGet();
                    }
                } catch (IpcException e) {
                    if (e.error() == IpcError.PERMISSION_DENIED) {
                        race.denied.incrementAndGet();
                    } else {
                        race.failure.complete(e);
                    }
                } catch (Throwable e) {
                    race.failure.complete(e);
                }
            }, "step-guard-racer-" + t);
            race.threads.add(thread);
            thread.start();
        }
        return race;
    }

    private static void spin(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Thread.onSpinWait();
        }
    }

    private static final class Race {
        final CountDownLatch started;
        final AtomicLong done = new AtomicLong();
        final AtomicInteger denied = new AtomicInteger();
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();
        final List<Thread> threads = new ArrayList<>();

        Race(int threads) {
            this.started = new CountDownLatch(threads);
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(t.isAlive()).as(t.getName() + " ended").isFalse();
            }
            assertThat(failure.getNow(null)).isNull();
        }
    }
}
