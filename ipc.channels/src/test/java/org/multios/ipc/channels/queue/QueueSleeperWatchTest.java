package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channels.IpcRootSupport;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.RecordingCaller;

/**
 * What ends a queue's sleep in the kernel that no message or space ends: an interrupt of the
 * sleeping receiver or sender (its sleeps are an hour long, so only the mechanism's
 * {@link org.multios.ipc.core.mapped.SleeperWatch} can end them within the test's timeout), and a
 * listener registration stopped just before its thread went to sleep (the stop's wake-up found
 * nobody asleep; only the watch, which sees the registration stopped, ends that sleep).
 */
@Timeout(60)
class QueueSleeperWatchTest extends IpcRootSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    private MessageQueueMechanism mechanism;
    private final RecordingCaller caller = RecordingCaller.osUser(1);

    private MessageQueueService queues() {
        if (mechanism == null) {
            mechanism = new MessageQueueMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        }
        return mechanism.bind(caller);
    }

    @AfterEach
    void closeMechanism() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    @Test
    void aReceiveAsleepInTheKernelEndsWhenItsThreadIsInterrupted() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("int-recv", QueueOptions.of(64, 4));
        q.sliceNanos(HOUR);
        CompletableFuture<Integer> got = new CompletableFuture<>();
        Thread receiver = start("q-int-recv", got, () -> q.receive(new byte[64], 0, 64, new MessageInfo()));
        KernelSleep.awaitAsleep(receiver, -1);

        receiver.interrupt();
        assertFails(got, IpcError.INTERRUPTED);
    }

    @Test
    void aSendAsleepOnAFullQueueEndsWhenItsThreadIsInterrupted() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("int-send", QueueOptions.of(64, 1));
        q.send(new byte[3], 0, 3, 1);
        q.sliceNanos(HOUR);
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        Thread sender = start("q-int-send", sent, () -> {
            q.send(new byte[4], 0, 4, 1);
            return 4;
        });
        KernelSleep.awaitAsleep(sender, -1);

        sender.interrupt();
        assertFails(sent, IpcError.INTERRUPTED);
        assertThat(q.tryReceive(new byte[64], 0, 64, new MessageInfo())).isEqualTo(3);
        assertThat(q.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("the interrupted send sent nothing")
                .isEqualTo(MessageQueue.NO_MESSAGE);
    }

    @Test
    void aListenerThreadStoppedJustBeforeItSleptEnds() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("stop-listener", QueueOptions.of(64, 4));
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        AtomicInteger waits = new AtomicInteger();
        QueueRegistration registration = q.register(queue -> { }, () -> {
            if (waits.getAndIncrement() == 0) { // past its check of the registration, before its first sleep
                paused.countDown();
                try {
                    resume.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertThat(paused.await(20, TimeUnit.SECONDS)).isTrue();
        Thread listener = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ipc-queue-listener-stop-listener-")).findFirst().orElseThrow();

        caller.revokeAll(); // stops the registration: its wake-up finds nobody asleep
        assertThat(registration.isActive()).isFalse();
        resume.countDown();

        listener.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(listener.isAlive()).as("the listener thread ended").isFalse();
    }

    private static void assertFails(CompletableFuture<?> result, IpcError expected) throws Exception {
        try {
            throw new AssertionError("expected " + expected + ", got " + result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(expected));
        }
    }
}
