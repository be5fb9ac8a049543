package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Rights;

/** The slot form of the grant's step gate ({@link Grant#enterStep}): as strict as the counter form. */
class GrantSlotGateTest {
    @Test
    @Timeout(20)
    void revokeWaitsForASlotStepAndRefusesLaterOnes() throws Exception {
        Grant g = new Grant(Rights.READ);
        int token = g.enterStep(Rights.READ);
        assertThat(token).isBetween(0, Grant.STEP_SLOTS - 1);
        assertThat(g.enterStep(Rights.WRITE)).as("a step needing a right not granted").isEqualTo(Grant.REFUSED);

        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread revoker = new Thread(() -> {
            g.revoke();
            order.add("returned");
        }, "revoker");
        revoker.start();
        assertThat(StepPause.awaitBlockedOrDone(revoker)).as("revoke returned with a slot step under way").isFalse();
        assertThat(g.enterStep(Rights.READ)).as("a step entered once the revocation started").isEqualTo(Grant.REFUSED);
        order.add("step ended");
        g.exitStep(token);
        revoker.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(order).containsExactly("step ended", "returned");
    }

    @Test
    @Timeout(20)
    void aStepWhoseSlotIsTakenIsCountedSharedAndRevokeWaitsForItToo() throws Exception {
        Grant g = new Grant(Rights.READ);
        int outer = g.enterStep(Rights.READ);
        int nested = g.enterStep(Rights.READ);
        assertThat(outer).isBetween(0, Grant.STEP_SLOTS - 1);
        assertThat(nested).as("the thread's slot is its outer step's").isEqualTo(Grant.SHARED_STEP);
        g.exitStep(outer);

        CountDownLatch returned = new CountDownLatch(1);
        Thread revoker = new Thread(() -> {
            g.revoke();
            returned.countDown();
        }, "revoker");
        revoker.start();
        assertThat(StepPause.awaitBlockedOrDone(revoker)).as("revoke returned with a shared step under way").isFalse();
        assertThat(returned.getCount()).isEqualTo(1);
        g.exitStep(nested);
        assertThat(returned.await(20, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Threads (more than slots, so that some share one and fall back to the counter) transfer
     * inside steps while the grant is revoked at a random moment: nothing is transferred after
     * revoke returned. Fails if a step can pass its check unseen by the revocation.
     */
    @Test
    @Timeout(60)
    void nothingIsTransferredAfterRevokeReturnsUnderContention() throws Exception {
        long seed = Long.getLong("ipc.test.seed", System.nanoTime());
        System.out.println("GrantSlotGateTest seed " + seed + " (rerun with -Dipc.test.seed=" + seed + ")");
        Random random = new Random(seed);
        int threads = Grant.STEP_SLOTS + 4;
        for (int round = 0; round < 30; round++) {
            Grant g = new Grant(Rights.WRITE);
            AtomicLong transferred = new AtomicLong();
            CountDownLatch started = new CountDownLatch(threads);
            List<Thread> steppers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int spins = random.nextInt(200);
                Thread s = new Thread(() -> {
                    started.countDown();
                    while (true) {
                        int token = g.enterStep(Rights.WRITE);
                        if (token == Grant.REFUSED) {
                            return;
                        }
                        try {
                            for (int i = 0; i < spins; i++) {
                                Thread.onSpinWait(); // the window between the check and the transfer
                            }
                            transferred.incrementAndGet();
                        } finally {
                            g.exitStep(token);
                        }
                    }
                }, "stepper-" + round + "-" + t);
                steppers.add(s);
                s.start();
            }
            assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();
            long pause = random.nextInt(200_000);
            long until = System.nanoTime() + pause;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            g.revoke();
            long atRevoke = transferred.get();
            for (Thread s : steppers) {
                s.join(TimeUnit.SECONDS.toMillis(20));
                assertThat(s.isAlive()).isFalse();
            }
            assertThat(transferred.get()).as("transfers after revoke returned (round %d, seed %d)", round, seed)
                    .isEqualTo(atRevoke);
        }
    }
}
