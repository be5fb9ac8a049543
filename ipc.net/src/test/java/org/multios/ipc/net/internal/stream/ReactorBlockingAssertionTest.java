package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reactor thread may never wait: a blocking path entered from it trips the assertion (the
 * tests run with assertions on), the reactor counts the fault and goes on serving; other threads
 * pass.
 */
@Timeout(30)
class ReactorBlockingAssertionTest {
    @Test
    void aBlockingPathInTheReactorThreadTripsTheAssertionAndTheReactorGoesOn() throws Exception {
        try (Reactor reactor = new Reactor("test-reactor")) {
            AtomicReference<Throwable> caught = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            reactor.execute(() -> {
                try {
                    Reactor.assertMayBlock("send", "connection 1");
                } catch (AssertionError e) {
                    caught.set(e);
                } finally {
                    ran.countDown();
                }
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(caught.get()).hasMessageContaining("must not wait to send (connection 1)");

            CountDownLatch after = new CountDownLatch(1);
            reactor.execute(() -> Reactor.assertMayBlock("receive", "connection 2"));
            reactor.execute(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).as("the reactor serves on after a fault").isTrue();
            assertThat(reactor.faults()).isEqualTo(1);
        }
        Reactor.assertMayBlock("send", "from a test thread");
    }

    @Test
    void aTimedWaitChecksToo() {
        try (Reactor reactor = new Reactor("test-reactor")) {
            AtomicReference<Throwable> caught = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
            reactor.execute(() -> {
                lock.lock();
                try {
                    Waits.await(lock.newCondition(), 1_000_000, Waits.deadline(1_000_000), "accept", "listener x");
                } catch (AssertionError e) {
                    caught.set(e);
                } finally {
                    lock.unlock();
                    ran.countDown();
                }
            });
            assertThatThrownBy(() -> {
                assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
                throw caught.get();
            }).isInstanceOf(AssertionError.class).hasMessageContaining("accept (listener x)");
        }
    }
}
