package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * Issue #16 item 2: a queue's file truncated by another process while this one maps it. The
 * next access through the mapping faults (SIGBUS); the call gets CORRUPTED naming the queue, its
 * file and the sizes, the handle closes (later calls fail at once with CORRUPTED), a receiver
 * asleep on the queue wakes with CORRUPTED instead of hanging, and the JVM keeps serving other
 * queues. Before, the fault came out of the call as {@code InternalError: a fault occurred in an
 * unsafe memory access operation}. Sizes: into the header page (0) and just past it (4096).
 */
@Timeout(60)
class TruncatedQueueTest extends QueueTestSupport {
    private static final byte[] ONE = { 1 };

    @AfterEach
    void noDurableRoot() {
        System.clearProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** The call fails with CORRUPTED naming the object and its file; the handle is closed for good. */
    static void assertCorruptedAndClosed(Runnable call, AutoCloseableObject handle, String name, Path file) {
        IpcException e = failsWith(IpcError.CORRUPTED, call::run);
        assertThat(e.getMessage()).contains("'" + name + "'").contains(file.toString()).contains("truncated");
        assertThat(handle.isClosed()).isTrue();
        IpcException later = failsWith(IpcError.CORRUPTED, call::run);
        assertThat(later.getMessage()).contains("is closed").contains("truncated");
    }

    /** What {@link #assertCorruptedAndClosed} asks of a handle. */
    interface AutoCloseableObject {
        boolean isClosed();
    }

    private void keepsServing(MessageQueueService queues) {
        try (MessageQueue other = queues.create("other", QueueOptions.of(64, 4).withMode(0600))) {
            other.send(new byte[] { 7 }, 0, 1, 0);
            assertThat(other.receive(new byte[64], 0, 64, null, Duration.ofSeconds(10))).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aSendAfterTruncationIsCorruptedAndTheHandleCloses(long size) throws IOException {
        MessageQueueService queues = queues();
        MessageQueue q = queues.create("jobs", QueueOptions.of(64, 64).withMode(0600));
        q.send(ONE, 0, 1, 0);
        Path file = root.resolve("queue").resolve("jobs");
        truncate(file, size);

        assertCorruptedAndClosed(() -> q.trySend(ONE, 0, 1, 3), q::isClosed, "jobs", file);
        keepsServing(queues);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 4096 })
    void aReceiveAfterTruncationIsCorruptedAndTheHandleCloses(long size) throws IOException {
        MessageQueueService queues = queues();
        MessageQueue q = queues.create("jobs", QueueOptions.of(64, 64).withMode(0600));
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
    void aReceiverAsleepOnTheQueueWakesWithCorrupted(long size) throws Exception {
        MessageQueueService queues = queues();
        MessageQueue q = queues.create("jobs", QueueOptions.of(64, 64).withMode(0600));
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

    /**
     * Only the file's last page cut off (the tail of the last slot's payload): every word the
     * receiver and the sweeps read stays in the file, so no access of theirs faults. The sleeper
     * finds the file cut short when its slice (here 100 ms) ends unwoken and reports CORRUPTED.
     * Before, it slept slice after slice: no CORRUPTED within 20 s (its receive waits 40 s).
     */
    @Test
    void aReceiverAsleepOnAQueueWhoseLastPageIsCutOffWakesWithCorruptedAtTheEndOfItsSlice() throws Exception {
        MessageQueueService queues = queues();
        MessageQueue q = queues.create("jobs", QueueOptions.of(16384, 16).withMode(0600));
        QueueHandle reader = (QueueHandle) queues().open("jobs");
        reader.sliceNanos(TimeUnit.MILLISECONDS.toNanos(100));
        Path file = root.resolve("queue").resolve("jobs");
        long size = java.nio.file.Files.size(file);
        CompletableFuture<Integer> received = new CompletableFuture<>();
        Thread t = BlockedCalls.start("receiver", received,
                () -> reader.receive(new byte[64], 0, 64, null, Duration.ofSeconds(40)));
        KernelSleep.awaitAsleep(t, -1);
        truncate(file, (size - 1) & -4096);

        assertCorrupted(received);
        assertThat(reader.isClosed()).isTrue();
        keepsServing(queues);
        q.close();
    }

    @ParameterizedTest
    @ValueSource(strings = { "OS", "GROUP" })
    void aDurableQueueTruncatedUnderItsMappingIsCorrupted(String durability) throws IOException {
        Path durable = tempDir.resolve("durable");
        System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, durable.toString());
        MessageQueueService queues = queues();
        MessageQueue q = queues.create("ledger",
                QueueOptions.of(64, 64).withDurability(QueueDurability.valueOf(durability)));
        q.send(ONE, 0, 1, 0);
        Path file = durable.resolve("queue").resolve("ledger");
        truncate(file, 4096);

        assertCorruptedAndClosed(() -> q.send(ONE, 0, 1, 0), q::isClosed, "ledger", file);
        keepsServing(queues);
        if (durability.equals("GROUP")) {
            try (MessageQueue again = queues.create("again", QueueOptions.of(64, 4).withDurability(QueueDurability.GROUP))) {
                again.send(ONE, 0, 1, 0);
                assertThat(Thread.getAllStackTraces().keySet()).as("the group commit thread lives on")
                        .anyMatch(t -> t.getName().equals(GroupCommit.THREAD_NAME) && t.isAlive());
            }
        }
    }

    /**
     * The listener thread sleeps on the queue's notify word and re-reads it each slice: after a
     * truncation into the header page, where that word is, the read faults in the thread itself.
     * Before, the InternalError killed the thread (uncaught) and the handle and its registration
     * stayed open, the listener deaf for good.
     */
    @Test
    void aListenerThreadMeetingTheTruncationClosesTheHandleAndEnds() throws Exception {
        MessageQueueService queues = queues();
        MessageQueue q = queues.create("jobs", QueueOptions.of(64, 64).withMode(0600));
        QueueRegistration registration = q.register(queue -> { });
        Thread watcher = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("ipc-queue-listener-jobs-")).findFirst().orElseThrow();
        List<Throwable> uncaught = new CopyOnWriteArrayList<>();
        watcher.setUncaughtExceptionHandler((t, e) -> uncaught.add(e));
        Path file = root.resolve("queue").resolve("jobs");
        truncate(file, 0);

        watcher.join(TimeUnit.SECONDS.toMillis(20));

        assertThat(watcher.isAlive()).as("the listener thread ended").isFalse();
        assertThat(uncaught).as("nothing escaped the listener thread").isEmpty();
        assertThat(registration.isActive()).isFalse();
        assertThat(q.isClosed()).isTrue();
        IpcException e = failsWith(IpcError.CORRUPTED, () -> q.trySend(ONE, 0, 1, 0));
        assertThat(e.getMessage()).contains("is closed").contains("'jobs'").contains("truncated");
        keepsServing(queues);
    }

    /** Waits (at most 20 s) for a blocked call to end and asserts that it failed with CORRUPTED. */
    static void assertCorrupted(CompletableFuture<?> result) throws Exception {
        try {
            throw new AssertionError("expected CORRUPTED, got " + result.get(20, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfSatisfying(IpcException.class,
                    x -> assertThat(x.error()).as(x.getMessage()).isEqualTo(IpcError.CORRUPTED));
        }
    }
}
