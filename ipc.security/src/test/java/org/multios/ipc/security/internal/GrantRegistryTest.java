package org.multios.ipc.security.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.ObjectType;
import org.multios.ipc.Rights;
import org.multios.ipc.spi.Grant;

class GrantRegistryTest {
    @Test
    void revokesOnlyTheNamedProcessesGrantsOnTheObject() {
        GrantRegistry r = new GrantRegistry();
        Grant mine = new Grant(Rights.READ_WRITE);
        Grant mineOther = new Grant(Rights.READ);
        Grant theirs = new Grant(Rights.READ);
        r.add(1, ObjectType.QUEUE, "q", mine);
        r.add(1, ObjectType.QUEUE, "other", mineOther);
        r.add(2, ObjectType.QUEUE, "q", theirs);

        assertThat(r.revoke(1, ObjectType.QUEUE, "q")).isEqualTo(1);
        assertThat(mine.allows(Rights.READ)).isFalse();
        assertThat(mine.rights()).isEqualTo(Rights.NONE);
        assertThat(mineOther.allows(Rights.READ)).isTrue();
        assertThat(theirs.allows(Rights.READ)).isTrue();
        assertThat(r.revoke(1, ObjectType.QUEUE, "q")).isZero();
    }

    /** An action that fails at revocation keeps no other grant of the process on the object from being revoked. */
    @Test
    void aFailingRevocationActionStillRevokesEveryGrantAndNamesTheObject() {
        GrantRegistry r = new GrantRegistry();
        Grant failing = new Grant(Rights.READ);
        failing.onRevoke(() -> {
            throw new IllegalStateException("membarrier failed");
        });
        Grant second = new Grant(Rights.READ);
        Grant third = new Grant(Rights.READ);
        r.add(1, ObjectType.SEMAPHORE, "s", failing);
        r.add(1, ObjectType.SEMAPHORE, "s", second);
        r.add(1, ObjectType.SEMAPHORE, "s", third);

        assertThatThrownBy(() -> r.revoke(1, ObjectType.SEMAPHORE, "s"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("process 1").hasMessageContaining("'s'")
                .hasRootCauseMessage("membarrier failed");
        assertThat(failing.isRevoked()).isTrue();
        assertThat(second.isRevoked()).isTrue();
        assertThat(third.isRevoked()).isTrue();
        assertThat(r.revoke(1, ObjectType.SEMAPHORE, "s")).isZero();
    }

    /**
     * A revocation action that needs the registry (a bridge's exporter revoked: its peers'
     * connections close and end their sessions, while a peer's open waits on the registry) must
     * not find it locked by the revocation that runs it.
     */
    @Test
    @Timeout(60)
    void revocationActionsRunOutsideTheRegistrysLock() throws Exception {
        GrantRegistry r = new GrantRegistry();
        Grant exporter = new Grant(Rights.READ_WRITE);
        r.add(1, ObjectType.ENDPOINT, "bridge", exporter);
        CompletableFuture<Grant> peerOpen = new CompletableFuture<>();
        exporter.onRevoke(() -> {
            Thread open = new Thread(() -> peerOpen.complete(
                    r.register(2, ObjectType.QUEUE, "q", () -> new Grant(Rights.READ))), "peer-open");
            open.setDaemon(true);
            open.start();
            try {
                peerOpen.get(20, TimeUnit.SECONDS); // under the registry's lock: never completes
            } catch (Exception e) {
                peerOpen.completeExceptionally(e);
            }
        });

        assertThat(r.revoke(1, ObjectType.ENDPOINT, "bridge")).isEqualTo(1);

        assertThat(peerOpen).isCompletedWithValueMatching(g -> g.allows(Rights.READ), "the peer's open got its grant");
    }

    /**
     * Two operators revoke the same object at once: the second revocation must not return before
     * the first one's actions (waking and failing the handle's waiters) have run, or a call it
     * believes stopped could still transfer something after it returned.
     */
    @Test
    @Timeout(60)
    void aSecondRevocationOfTheSameObjectReturnsOnlyOnceTheFirstOnesActionsRan() throws Exception {
        GrantRegistry r = new GrantRegistry();
        Grant grant = new Grant(Rights.READ_WRITE);
        r.add(1, ObjectType.QUEUE, "q", grant);
        CountDownLatch actionRunning = new CountDownLatch(1);
        CountDownLatch finishAction = new CountDownLatch(1);
        grant.onRevoke(() -> {
            actionRunning.countDown();
            awaitUninterruptibly(finishAction);
        });
        Thread first = new Thread(() -> r.revoke(1, ObjectType.QUEUE, "q"), "first-revoke");
        first.start();
        assertThat(actionRunning.await(20, TimeUnit.SECONDS)).isTrue();

        AtomicBoolean secondReturned = new AtomicBoolean();
        Thread second = new Thread(() -> {
            r.revoke(1, ObjectType.QUEUE, "q");
            secondReturned.set(true);
        }, "second-revoke");
        second.start();
        // the second one either returns (wrong: the first one's action is still running) or
        // waits for the first one (its thread blocks on the grant's revocation)
        while (second.isAlive() && second.getState() != Thread.State.BLOCKED
                && second.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        assertThat(secondReturned).as("the second revocation returned while the first one's action ran").isFalse();

        finishAction.countDown();
        first.join(20_000);
        second.join(20_000);
        assertThat(secondReturned).isTrue();
        assertThat(r.revoke(1, ObjectType.QUEUE, "q")).isZero();
    }

    /**
     * A bundle that opens handles on ever new names and drops them: once the collector has found
     * their grants gone, the next registration drops them from the registry. Before, a key whose
     * grants were all gone stayed until a sweep of every key, once in 1 024 registrations, and a
     * sweep's cost grew with every grant held.
     */
    @Test
    @Timeout(60)
    void theGrantsOfDroppedHandlesLeaveAtTheNextRegistrationOnceCollected() {
        GrantRegistry r = new GrantRegistry();
        Grant kept = new Grant(Rights.READ);
        r.add(1, ObjectType.QUEUE, "kept", kept);
        for (int i = 0; i < 500; i++) {
            r.add(2, ObjectType.QUEUE, "dropped-" + i, new Grant(Rights.READ));
        }
        assertThat(r.size()).isEqualTo(501);

        // at most 400 more registrations, so that the old code's sweep (the 1 024th) never ran
        for (int attempt = 0; attempt < 400 && r.size() > 2; attempt++) {
            System.gc();
            r.add(3, ObjectType.QUEUE, "probe", new Grant(Rights.READ));
        }

        assertThat(r.size()).as("the kept grant and at most the last probe's").isLessThanOrEqualTo(2);
        assertThat(r.revoke(1, ObjectType.QUEUE, "kept")).isEqualTo(1);
        assertThat(kept.isRevoked()).isTrue();
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
