package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.queue.QueueOptions;

/**
 * Issue #21 item 5: a receiver woken for a message it cannot take (too large for its buffer)
 * passes the wake-up on to the next sleeping receiver. The sleepers' slices are an hour long, so
 * a lost wake-up fails the test instead of costing a slice.
 */
@Timeout(60)
class QueueWakeUpTest extends QueueTestSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @Test
    void aReceiverWokenForAMessageTooLargeForItPassesTheWakeUpOn() throws Exception {
        QueueHandle sender = (QueueHandle) queues().create("wake", QueueOptions.of(64, 4).withMode(0600));
        QueueHandle small = (QueueHandle) queues().open("wake");
        QueueHandle large = (QueueHandle) queues().open("wake");
        small.sliceNanos(HOUR);
        large.sliceNanos(HOUR);
        CompletableFuture<Integer> smallGot = new CompletableFuture<>();
        Thread first = receiver("q-small", small, 8, smallGot);
        // first in the kernel's line, so a one-waiter wake picks it
        KernelSleep.awaitAsleep(first, availableSequence(small));
        CompletableFuture<Integer> largeGot = new CompletableFuture<>();
        Thread second = receiver("q-large", large, 64, largeGot);
        KernelSleep.awaitAsleep(second, availableSequence(large));

        sender.send(new byte[40], 0, 40, 3);
        try {
            smallGot.get(20, TimeUnit.SECONDS);
            throw new AssertionError("an 8-byte buffer received a 40-byte message");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE));
        }
        assertThat(largeGot.get(20, TimeUnit.SECONDS)).as("the other receiver got the wake-up passed on")
                .isEqualTo(40);
    }

    /** Where the handle's mapping of the queue holds the word its receivers sleep on. */
    private static long availableSequence(QueueHandle q) {
        return q.file().region()
                .address(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.AVAILABLE_SEQUENCE_OFFSET);
    }

    private static Thread receiver(String name, QueueHandle q, int room, CompletableFuture<Integer> got) {
        Thread t = new Thread(() -> {
            try {
                got.complete(q.receive(new byte[room], 0, room, new MessageInfo()));
            } catch (Throwable e) {
                got.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
