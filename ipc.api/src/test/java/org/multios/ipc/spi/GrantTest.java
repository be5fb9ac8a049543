package org.multios.ipc.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Rights;

class GrantTest {
    @Test
    void revokeRunsEveryActionOnceBeforeItReturnsAndLateActionsAtOnce() {
        Grant g = new Grant(Rights.READ | Rights.WRITE);
        List<String> ran = new ArrayList<>();
        g.onRevoke(() -> ran.add("first"));
        g.onRevoke(() -> {
            throw new IllegalStateException("a failing action");
        });
        g.onRevoke(() -> ran.add("third"));
        assertThat(g.allows(Rights.READ)).isTrue();

        assertThatThrownBy(g::revoke).isInstanceOf(IllegalStateException.class).hasMessage("a failing action");
        assertThat(ran).containsExactly("first", "third");
        assertThat(g.allows(Rights.READ)).isFalse();
        assertThat(g.rights()).isEqualTo(Rights.NONE);

        g.revoke();
        assertThat(ran).as("actions run once").containsExactly("first", "third");
        g.onRevoke(() -> ran.add("late"));
        assertThat(ran).as("registered after the revocation: run at once").endsWith("late");
    }

    @Test
    @Timeout(20)
    void aSecondRevokeReturnsOnlyAfterTheFirstOnesActions() throws Exception {
        Grant g = new Grant(Rights.READ);
        CountDownLatch inAction = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        g.onRevoke(() -> {
            inAction.countDown();
            try {
                finish.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread first = new Thread(g::revoke, "first-revoke");
        first.start();
        assertThat(inAction.await(20, TimeUnit.SECONDS)).isTrue();
        Thread second = new Thread(g::revoke, "second-revoke");
        second.start();

        assertThat(StepPause.awaitBlockedOrDone(second)).as("the second revoke returned during the first's action")
                .isFalse();
        finish.countDown();
        first.join(20_000);
        second.join(20_000);
        assertThat(second.isAlive()).isFalse();
    }

    @Test
    @Timeout(20)
    void revokeReturnsOnlyAfterTheStepsBegunBeforeItAndLaterStepsAreRefused() throws Exception {
        Grant g = new Grant(Rights.READ);
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        g.onRevoke(() -> order.add("action"));
        assertThat(g.beginStep(Rights.READ)).isTrue();
        assertThat(g.beginStep(Rights.WRITE)).as("a step needing a right not granted").isFalse();

        Thread revoker = new Thread(() -> {
            g.revoke();
            order.add("returned");
        }, "revoker");
        revoker.start();
        assertThat(StepPause.awaitBlockedOrDone(revoker)).as("revoke returned with a step under way").isFalse();
        assertThat(g.beginStep(Rights.READ)).as("a step begun once the revocation started").isFalse();
        order.add("step ended");
        g.endStep();
        revoker.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(order).containsExactly("step ended", "action", "returned");
    }
}
