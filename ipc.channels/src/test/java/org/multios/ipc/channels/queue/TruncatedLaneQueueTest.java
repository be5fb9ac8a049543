package org.multios.ipc.channels.queue;

import static org.multios.ipc.channels.queue.TruncatedQueueTest.assertCorrupted;
import static org.multios.ipc.channels.queue.TruncatedQueueTest.assertCorruptedAndClosed;
import static org.multios.ipc.channels.queue.TruncatedQueueTest.truncate;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * {@link TruncatedQueueTest} for a queue of a lane: its file truncated by another process while
 * this one maps it (into the header page, and just past it: the lane's own words). A send, a
 * receive and a drain get CORRUPTED naming the queue and its file, the handle closes, a receiver
 * asleep on the lane wakes with CORRUPTED, and the JVM keeps serving other queues.
 */
@Timeout(60)
class TruncatedLaneQueueTest extends QueueTestSupport {
    private static final byte[] ONE = { 1 };

    private MessageQueue lane(MessageQueueService queues) {
        return queues.create("jobs", QueueOptions.of(64, 64).withMode(0600).withLane(true));
    }

    private void keepsServing(MessageQueueService queues) {
        try (MessageQueue other = queues.create("other", QueueOptions.of(64, 4).withMode(0600).withLane(true))) {
            other.send(new byte[] { 7 }, 0, 1, 0);
            assertThat(other.receive(new byte[64], 0, 64, null, Duration.ofSeconds(10))).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aSendAfterTruncationIsCorruptedAndTheHandleCloses(long size) throws IOException {
        MessageQueueService queues = queues();
        MessageQueue q = lane(queues);
        q.send(ONE, 0, 1, 0);
        Path file = root.resolve("queue").resolve("jobs");
        truncate(file, size);

        assertCorruptedAndClosed(() -> q.trySend(ONE, 0, 1, 3), q::isClosed, "jobs", file);
        keepsServing(queues);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aReceiveOrDrainAfterTruncationIsCorruptedAndTheHandleCloses(long size) throws IOException {
        MessageQueueService queues = queues();
        MessageQueue q = lane(queues);
        q.send(ONE, 0, 1, 0);
        MessageQueue reader = queues().open("jobs");
        Path file = root.resolve("queue").resolve("jobs");
        truncate(file, size);

        assertCorruptedAndClosed(() -> reader.tryReceive(new byte[64], 0, 64, null), reader::isClosed, "jobs", file);
        assertCorruptedAndClosed(() -> q.drain((buffer, info) -> { }, 8), q::isClosed, "jobs", file);
        keepsServing(queues);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aReceiverAsleepOnTheLaneWakesWithCorrupted(long size) throws Exception {
        MessageQueueService queues = queues();
        MessageQueue q = lane(queues);
        MessageQueue reader = queues().open("jobs");
        CompletableFuture<Integer> received = new CompletableFuture<>();
        Thread t = BlockedCalls.start("receiver", received,
                () -> reader.receive(new byte[64], 0, 64, null, Duration.ofSeconds(40)));
        KernelSleep.awaitAsleep(t, -1);
        truncate(root.resolve("queue").resolve("jobs"), size);

        assertCorrupted(received);
        assertThat(reader.isClosed()).isTrue();
        keepsServing(queues);
        q.close();
    }
}
