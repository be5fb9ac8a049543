package org.multios.ipc.net.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An Error out of a task or a handler does not end the reactor thread, which serves every
 * socket: a fault of an access to a truncated mapping can surface in it after the call that made
 * the access returned (a bridge putting a message back into its queue from the reactor thread;
 * Java 17 throws it at the thread's next call into the VM). The reactor counts and logs it and
 * serves on.
 */
@Timeout(30)
class ReactorErrorTest {
    @Test
    void anErrorInTheReactorThreadIsCountedAndTheReactorServesOn() throws Exception {
        try (Reactor reactor = new Reactor("test-reactor")) {
            reactor.execute(() -> {
                throw new InternalError("a fault occurred in a recent unsafe memory access operation in compiled "
                        + "Java code");
            });
            CountDownLatch after = new CountDownLatch(1);
            reactor.execute(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).as("the reactor ran the next task").isTrue();
            assertThat(reactor.faults()).isEqualTo(1);
        }
    }
}
