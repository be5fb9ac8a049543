package org.multios.ipc.core.step;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guard alone (the handles' tests in ipc.sync and ipc.channels hold it through their hooks):
 * a drain waits for a step of another thread's slot and for a step of the shared cell, marks a
 * step of its own thread instead of waiting for it, and still waits when the fence fails; a
 * thread whose class answers any id it likes (Java 17's {@code getId} is not final) still steps
 * in a slot of its own, which drains wait for.
 */
@Timeout(60)
class StepGuardUnitTest {
    /**
     * Runs a drain in a thread of its own; returns the thread once it was seen parked, or ended.
     * A drain that waits is then alive; its state may be RUNNABLE again, between two of its parks.
     */
    private static Thread drainAsync(StepGuard guard) throws InterruptedException {
        Thread drainer = new Thread(guard::drain, "step-guard-drainer");
        drainer.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (drainer.getState() != Thread.State.TIMED_WAITING && drainer.getState() != Thread.State.TERMINATED
                && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        return drainer;
    }

    /** A thread that answers {@code id} as its id, whatever it is. */
    private static final class ClaimingId extends Thread {
        private final long id;

        ClaimingId(Runnable work, long id) {
            super(work, "step-guard-claiming-id-" + id);
            this.id = id;
        }

        @Override
        public long getId() {
            return id;
        }
    }

    /** A step of another thread, held until {@code release}. */
    private static Thread stepping(StepGuard guard, CountDownLatch inside, CountDownLatch release) {
        return stepping(guard, inside, release, -1);
    }

    /** As above, in a thread that answers {@code id} as its id (or its own if negative). */
    private static Thread stepping(StepGuard guard, CountDownLatch inside, CountDownLatch release, long id) {
        Runnable work = () -> {
            int slot = guard.slotOf(Thread.currentThread());
            guard.begin(slot);
            try {
                inside.countDown();
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                guard.end(slot);
            }
        };
        Thread t = id < 0 ? new Thread(work, "step-guard-stepper") : new ClaimingId(work, id);
        t.start();
        return t;
    }

    @Test
    void aDrainWaitsForAStepOfAnotherThreadsSlot() throws Exception {
        StepGuard guard = new StepGuard(() -> { });
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stepper = stepping(guard, inside, release);
        inside.await(20, TimeUnit.SECONDS);

        Thread drainer = drainAsync(guard);
        assertThat(drainer.isAlive()).as("the drain waits while the step is under way").isTrue();
        release.countDown();
        drainer.join(20_000);
        stepper.join(20_000);
        assertThat(drainer.isAlive()).as("the drain returned once the step ended").isFalse();
    }

    @Test
    void aDrainWaitsForAStepOfTheSharedCell() throws Exception {
        StepGuard guard = new StepGuard(false);
        guard.enterShared();
        Thread drainer = drainAsync(guard);
        assertThat(drainer.isAlive()).as("the drain waits").isTrue();
        guard.exitShared();
        drainer.join(20_000);
        assertThat(drainer.isAlive()).isFalse();
    }

    @Test
    void aDrainInsideAStepOfItsOwnThreadMarksTheStepInsteadOfWaiting() {
        StepGuard guard = new StepGuard(() -> { });
        int slot = guard.slotOf(Thread.currentThread());
        assertThat(slot).isNotEqualTo(StepGuard.NONE);
        guard.begin(slot);
        guard.drain();
        assertThat(guard.drainedInside(slot)).as("the step learns of the drain").isTrue();
        assertThat(guard.drainedInside(slot)).as("once").isFalse();
        guard.end(slot);
        assertThat(guard.stepping(slot)).isFalse();
    }

    @Test
    void aFailingFenceIsTriedTwiceAndTheDrainStillWaits() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        StepGuard guard = new StepGuard(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("membarrier failed: errno 12");
        });
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread stepper = stepping(guard, inside, release);
        inside.await(20, TimeUnit.SECONDS);

        Thread drainer = drainAsync(guard);
        assertThat(drainer.isAlive()).as("the drain waits").isTrue();
        release.countDown();
        drainer.join(20_000);
        stepper.join(20_000);
        assertThat(drainer.isAlive()).isFalse();
        assertThat(calls).hasValue(2);
    }

    @Test
    void aThreadAnsweringAnyIdStillStepsInASlotOfItsOwnThatTheDrainWaitsFor() throws Exception {
        StepGuard guard = new StepGuard(() -> { });
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        // id 0: what an unclaimed slot would hold if slots were found by id; then a second thread
        // claiming the first one's id
        Thread first = stepping(guard, inside, release, 0);
        Thread second = stepping(guard, inside, release, 0);
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(guard.slotOf(first)).as("the first thread's own slot").isNotEqualTo(StepGuard.NONE);
        assertThat(guard.slotOf(second)).as("the second thread's slot is not the first's")
                .isNotEqualTo(guard.slotOf(first)).isNotEqualTo(StepGuard.NONE);

        Thread drainer = drainAsync(guard);
        assertThat(drainer.isAlive()).as("the drain waits while their steps are under way").isTrue();
        release.countDown();
        drainer.join(20_000);
        first.join(20_000);
        second.join(20_000);
        assertThat(drainer.isAlive()).isFalse();
    }
}
