package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;

/**
 * On Java 17 HotSpot may deliver the fault of an access to a truncated mapping late, at the
 * thread's next call into the VM: for a listener thread whose callback sent into another queue
 * whose file was truncated, in the wait on its own queue. That fault is not this queue's: the
 * listener goes on. Before, the thread died and the registration stayed taken, the listener deaf.
 */
@Timeout(60)
class QueueListenerLateFaultTest extends QueueTestSupport {
    /** HotSpot's message for a fault in an access to a truncated mapping. */
    private static final String LATE_FAULT = "a fault occurred in a recent unsafe memory access operation";

    @Test
    void aLateFaultOfAnotherMappingLeavesTheListenerServing() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("jobs", QueueOptions.of(64, 4).withMode(0600));
        AtomicBoolean fired = new AtomicBoolean();
        CountDownLatch called = new CountDownLatch(1);
        QueueRegistration registration = q.register(queue -> called.countDown(), () -> {
            if (!fired.getAndSet(true)) {
                throw new InternalError(LATE_FAULT);
            }
        });
        Thread watcher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ipc-queue-listener-jobs-")).findFirst().orElseThrow();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        watcher.setUncaughtExceptionHandler((t, e) -> uncaught.add(e));

        q.send(new byte[] { 1 }, 0, 1, 0);

        assertThat(called.await(20, TimeUnit.SECONDS)).as("the listener called after the fault").isTrue();
        assertThat(fired).isTrue();
        assertThat(uncaught).as("nothing escaped the listener thread").isEmpty();
        assertThat(watcher.isAlive()).isTrue();
        assertThat(registration.isActive()).isTrue();
        assertThat(q.isClosed()).isFalse();
        registration.close();
        assertThat(watcher.isAlive()).isFalse();
    }
}
