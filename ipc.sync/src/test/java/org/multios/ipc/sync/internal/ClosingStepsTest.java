package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.StepPause;
import org.multios.ipc.sync.LockResult;
import org.multios.ipc.sync.MutexOptions;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * Closing a handle orders against its steps as revocation does ({@link StepGuard#drain}): a step
 * that passed its check before the close has ended when the close gives back what the handle
 * holds, and none takes anything after. So once close returns, a mutex locked through the handle
 * is free and stays free, and a semaphore's value moves no more through it; a close made inside
 * a step of the closing thread, or by the lock's holder, returns. With the fence and with the
 * grant's atomic gate; the stress tests print their seed.
 */
@Timeout(120)
class ClosingStepsTest extends TwoCallersSupport {
    private static final int THREADS = 4;
    private static final int ROUNDS = 20;

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void aMutexIsFreeOnceCloseReturnedWhileLockersRaceTheClose(boolean fenced) throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClosingStepsTest mutex fenced=" + fenced + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        MutexHandle owner = (MutexHandle) sync(peer).createMutex("closing", new MutexOptions(false, false), 0600);
        for (int round = 0; round < ROUNDS; round++) {
            MutexHandle victim = new MutexHandle(owner.session, owner.object, new Grant(Rights.ALL), new StepGuard(fenced));
            Race race = new Race(victim, random.longs(THREADS).toArray(), () -> {
                victim.lock();
                spin(50);
                victim.unlock();
            });
            race.started.await();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(2_000));

            victim.close();
            LockResult free = owner.tryLock();
            long locksWhenClosed = SyncDescriptor.COUNTERS.sumOf(owner.region, victim.counterSlot(), SyncHandle.ACQUIRED);
            if (free == LockResult.ACQUIRED) {
                owner.unlock();
            }
            race.join();

            assertThat(free).as("the lock is free once close returned (seed %d, round %d)", seed, round)
                    .isEqualTo(LockResult.ACQUIRED);
            assertThat(owner.tryLock()).as("and stays free: nothing was locked through the closed handle (seed %d)", seed)
                    .isEqualTo(LockResult.ACQUIRED);
            owner.unlock();
            if (victim.counterSlot() != CounterSlots.NONE) {
                assertThat(SyncDescriptor.COUNTERS.sumOf(owner.region, victim.counterSlot(), SyncHandle.ACQUIRED))
                        .as("locks through the victim after close returned (seed %d)", seed).isEqualTo(locksWhenClosed);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void noPermitMovesThroughAHandleOnceItsCloseReturned(boolean fenced) throws Exception {
        long seed = System.nanoTime();
        System.out.println("ClosingStepsTest semaphore fenced=" + fenced + " seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        int initial = 1 << 20;
        for (int round = 0; round < ROUNDS; round++) {
            SemaphoreHandle owner = (SemaphoreHandle) sync(peer).createSemaphore("permits" + round,
                    SemaphoreOptions.of(initial).withMax(initial), 0600);
            SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, new Grant(Rights.ALL), new StepGuard(fenced));
            AtomicLong taken = new AtomicLong();
            AtomicLong given = new AtomicLong();
            Race race = new Race(victim, random.longs(THREADS).toArray(), () -> {
                if (victim.tryAcquire()) {
                    taken.incrementAndGet();
                    spin(50);
                    victim.release();
                    given.incrementAndGet();
                }
            });
            race.started.await();
            TimeUnit.MICROSECONDS.sleep(random.nextInt(2_000));

            victim.close();
            int whenClosed = owner.value();
            race.join();

            assertThat(owner.value()).as("no permit taken or posted after close returned (seed %d, round %d)", seed, round)
                    .isEqualTo(whenClosed);
            // a semaphore has no owner, so close gives nothing back: the permits missing are exactly
            // those whose holder's release came after the close (refused with CLOSED)
            assertThat((long) owner.value()).as("every permit accounted for (seed %d)", seed)
                    .isEqualTo(initial - taken.get() + given.get());
            assertThat(taken.get() - given.get()).isLessThanOrEqualTo(THREADS);
        }
    }

    /**
     * A lock step held after its check while another thread closes the handle: with the fence the
     * close waits for it and then gives the lock back; through the grant's gate the hook runs
     * before the step counts itself for closing, so the step is refused. Either way the lock is
     * free once close returned.
     */
    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void aCloseWaitsForALockStepHeldAfterItsCheckAndGivesTheLockBack(boolean fenced) throws Exception {
        MutexHandle owner = (MutexHandle) sync(peer).createMutex("held", new MutexOptions(false, false), 0600);
        MutexHandle victim = new MutexHandle(owner.session, owner.object, new Grant(Rights.ALL), new StepGuard(fenced));
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        victim.hook(pause::accept);
        CompletableFuture<Object> locked = new CompletableFuture<>();
        Thread locker = new Thread(() -> {
            try {
                locked.complete(victim.lock());
            } catch (IpcException e) {
                locked.complete(e.error());
            }
        }, "closing-held-locker");
        locker.start();
        pause.awaitReached();
        CompletableFuture<LockResult> afterClose = new CompletableFuture<>();
        Thread closer = new Thread(() -> {
            victim.close();
            LockResult r = owner.tryLock();
            if (r == LockResult.ACQUIRED) {
                owner.unlock();
            }
            afterClose.complete(r);
        }, "closing-held-closer");
        closer.start();

        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(closer);
        pause.resume();

        assertThat(afterClose.get(20, TimeUnit.SECONDS)).as("the lock is free once close returned").isEqualTo(LockResult.ACQUIRED);
        if (fenced) {
            assertThat(returnedWhileHeld).as("close waited for the step").isFalse();
            assertThat(locked.get(20, TimeUnit.SECONDS)).as("the step under way completes").isEqualTo(LockResult.ACQUIRED);
        } else {
            assertThat(locked.get(20, TimeUnit.SECONDS)).as("the step after the close is refused").isEqualTo(IpcError.CLOSED);
        }
        assertThat(owner.tryLock()).as("and stays free").isEqualTo(LockResult.ACQUIRED);
        owner.unlock();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void aCloseFromInsideAStepOrByTheHolderReturnsAndFreesTheLock(boolean fenced) throws Exception {
        MutexHandle owner = (MutexHandle) sync(peer).createMutex("self", new MutexOptions(false, false), 0600);
        MutexHandle inside = new MutexHandle(owner.session, owner.object, new Grant(Rights.ALL), new StepGuard(fenced));
        inside.hook(step -> {
            if (step == GuardedHandle.STEP_GRANTED) {
                inside.close();
            }
        });
        assertThatThrownBy(inside::lock).as("the step refused once its own thread closed the handle")
                .isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.CLOSED));
        assertThat(owner.tryLock()).isEqualTo(LockResult.ACQUIRED);
        owner.unlock();

        MutexHandle holder = new MutexHandle(owner.session, owner.object, new Grant(Rights.ALL), new StepGuard(fenced));
        assertThat(holder.lock()).isEqualTo(LockResult.ACQUIRED);
        holder.close();
        assertThat(owner.tryLock()).as("the holder's close gave the lock back").isEqualTo(LockResult.ACQUIRED);
        owner.unlock();
    }

    private static void spin(int iterations) {
        for (int i = 0; i < iterations; i++) {
            Thread.onSpinWait();
        }
    }

    /**
     * Threads doing {@code work} through {@code victim} until it refuses them, each pausing for a
     * random while inside one step in four, after its check (the window a close must wait out).
     */
    private static final class Race {
        final CountDownLatch started = new CountDownLatch(THREADS);
        final CompletableFuture<Throwable> failure = new CompletableFuture<>();
        final List<Thread> threads = new ArrayList<>();

        Race(SyncHandle victim, long[] seeds, Runnable work) {
            ThreadLocal<SplittableRandom> mine = new ThreadLocal<>();
            victim.hook(s -> {
                SplittableRandom r = mine.get();
                if (s == GuardedHandle.STEP_GRANTED && r != null && r.nextInt(4) == 0) {
                    spin(r.nextInt(5_000));
                }
            });
            for (int t = 0; t < seeds.length; t++) {
                SplittableRandom r = new SplittableRandom(seeds[t]);
                Thread thread = new Thread(() -> {
                    mine.set(r);
                    started.countDown();
                    try {
                        while (true) {
                            work.run();
                        }
                    } catch (IpcException e) {
                        // closed under it; an unlock whose lock the close gave back is not the owner's
                        if (e.error() != IpcError.CLOSED && e.error() != IpcError.NOT_OWNER) {
                            failure.complete(e);
                        }
                    } catch (Throwable e) {
                        failure.complete(e);
                    }
                }, "closing-racer-" + t);
                threads.add(thread);
                thread.start();
            }
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
