package org.multios.ipc.sync.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.core.step.StepGuard;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;
import org.multios.ipc.spi.GuardedHandle;
import org.multios.ipc.spi.StepPause;
import org.multios.ipc.sync.SemaphoreOptions;

/**
 * The revocation guard ({@link StepGuard}) when things go wrong: a process-wide fence that fails
 * at revocation leaves no half-done revocation (it still waits for a step under way, throws
 * nothing, and nothing passes afterwards); a slot whose thread ended with its depth left raised
 * blocks no revocation, and is reset when another thread takes it.
 */
@Timeout(60)
class StepGuardFailureTest extends TwoCallersSupport {
    @Test
    void aFailingFenceStillLeavesNoStepThroughARevokedHandle() throws Exception {
        AtomicInteger fenceCalls = new AtomicInteger();
        StepGuard guard = new StepGuard(() -> {
            fenceCalls.incrementAndGet();
            throw new IllegalStateException("membarrier failed: errno 12");
        });
        SemaphoreHandle owner = (SemaphoreHandle) sync(peer).createSemaphore("fence-fails", SemaphoreOptions.of(1), 0600);
        Grant grant = new Grant(Rights.ALL);
        SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, grant, guard);
        AtomicBoolean laterActionRan = new AtomicBoolean();
        grant.onRevoke(() -> laterActionRan.set(true));
        StepPause pause = new StepPause().arm(GuardedHandle.STEP_GRANTED);
        victim.hook(pause::accept);
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        Thread stepper = new Thread(() -> taken.complete(victim.tryAcquire()), "fence-fails-stepper");
        stepper.start();
        pause.awaitReached();
        CompletableFuture<Integer> valueWhenRevoked = new CompletableFuture<>();
        Thread revoker = new Thread(() -> {
            try {
                grant.revoke();
                valueWhenRevoked.complete(owner.value());
            } catch (Throwable t) {
                valueWhenRevoked.completeExceptionally(t);
            }
        }, "fence-fails-revoker");
        revoker.start();

        boolean returnedWhileHeld = StepPause.awaitBlockedOrDone(revoker);
        pause.resume();

        assertThat(returnedWhileHeld).as("revoke waited for the step although the fence failed").isFalse();
        assertThat(taken.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(valueWhenRevoked.get(20, TimeUnit.SECONDS)).as("revoke returned, after the step").isZero();
        assertThat(fenceCalls.get()).as("the fence was tried again once").isEqualTo(2);
        assertThat(laterActionRan).as("the grant's other actions ran").isTrue();
        victim.hook(null);
        assertThatThrownBy(victim::tryAcquire).isInstanceOf(IpcException.class)
                .satisfies(e -> assertThat(((IpcException) e).error()).isEqualTo(IpcError.PERMISSION_DENIED));
        victim.close(); // a close drains through the failing fence too, and throws nothing
    }

    @Test
    void aSlotLeftRaisedByAThreadThatEndedBlocksNoRevocationAndIsResetWhenTaken() throws Exception {
        StepGuard guard = new StepGuard(true);
        SemaphoreHandle owner = (SemaphoreHandle) sync(peer).createSemaphore("left-raised", SemaphoreOptions.of(1), 0600);
        Grant grant = new Grant(Rights.ALL);
        SemaphoreHandle victim = new SemaphoreHandle(owner.session, owner.object, grant, guard);
        AtomicInteger leaked = new AtomicInteger(StepGuard.NONE);
        Thread leaker = new Thread(() -> {
            int slot = guard.slotOf(Thread.currentThread());
            guard.begin(slot); // as an error between the depth's store and the step's try would leave it
            leaked.set(slot);
        }, "left-raised-leaker");
        leaker.start();
        leaker.join();
        int slot = leaked.get();
        assertThat(guard.stepping(slot)).isTrue();

        assertTimeoutPreemptively(Duration.ofSeconds(20), grant::revoke, "revoke waited for a thread that ended");

        assertThatThrownBy(victim::tryAcquire).isInstanceOf(IpcException.class);
        // this thread is new to the guard too: its step above took its home slot, which is the
        // ended thread's one time in eight (by the thread ids of the run)
        boolean reclaimed = guard.slotOf(Thread.currentThread()) == slot;
        if (reclaimed) {
            assertThat(guard.stepping(slot)).as("the depth of the slot taken from an ended thread was reset")
                    .isFalse();
        }
        for (int i = 0; i < 1_000 && !reclaimed; i++) {
            AtomicBoolean took = new AtomicBoolean();
            AtomicBoolean raised = new AtomicBoolean();
            Thread t = new Thread(() -> {
                if (guard.slotOf(Thread.currentThread()) == slot) {
                    took.set(true);
                    raised.set(guard.stepping(slot));
                }
            }, "left-raised-taker-" + i);
            t.start();
            t.join();
            if (took.get()) {
                assertThat(raised).as("the depth of the slot taken from an ended thread was reset").isFalse();
                reclaimed = true;
            }
        }
        assertThat(reclaimed).as("a new thread took the slot").isTrue();
        victim.close();
    }
}
