package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.Limit;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.Rights;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/** The queue service through the plain-Java bootstrap: semantics, errors, persistence, listeners. */
@Timeout(60)
class MessageQueueServiceTest extends QueueTestSupport {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(MessageQueue q, String text, int priority) {
        byte[] b = bytes(text);
        q.send(b, 0, b.length, priority);
    }

    private static String receive(MessageQueue q, MessageInfo info) {
        byte[] buf = new byte[256];
        int n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(10));
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void posixOrderAcrossHandles() {
        MessageQueueService service = queues();
        try (MessageQueue writer = service.create("orders", QueueOptions.of(64, 8));
                MessageQueue reader = service.open("orders", Rights.READ, Set.of())) {
            send(writer, "a0", 0);
            send(writer, "b5", 5);
            send(writer, "c0", 0);
            send(writer, "d31", 31);
            send(writer, "e5", 5);
            MessageInfo info = new MessageInfo();
            assertThat(receive(reader, info)).isEqualTo("d31");
            assertThat(info.priority()).isEqualTo(31);
            assertThat(info.length()).isEqualTo(3);
            assertThat(info.senderKind()).isEqualTo(ProcessKind.OS_PROCESS);
            assertThat(info.senderPid()).isEqualTo(ProcessHandle.current().pid());
            assertThat(receive(reader, info)).isEqualTo("b5");
            assertThat(receive(reader, info)).isEqualTo("e5");
            assertThat(receive(reader, info)).isEqualTo("a0");
            assertThat(receive(reader, null)).isEqualTo("c0");
            assertThat(reader.tryReceive(new byte[8], 0, 8, info)).isEqualTo(MessagePort.NO_MESSAGE);
            assertThat(reader.rights() & Rights.WRITE).as("owner's mode grants write too").isNotZero();
        }
    }

    @Test
    void createModesAndUnlink() {
        MessageQueueService service = queues();
        MessageQueue first = service.create("q", 32, 4, EnumSet.of(QueueFlag.EXCLUSIVE));
        assertThat(first.type()).isEqualTo(ObjectType.QUEUE);
        assertThat(first.name()).contains("q");
        assertThat(first.rights()).isEqualTo(Rights.ALL);
        failsWith(IpcError.ALREADY_EXISTS, () -> service.create("q", 32, 4, EnumSet.of(QueueFlag.EXCLUSIVE)));
        try (MessageQueue second = service.create("q", 32, 4, Set.of())) {
            assertThat(second.attributes().maxMessageSize()).as("a second create opens the queue").isEqualTo(32);
            assertThat(second.rights()).isEqualTo(Rights.ALL);
        }
        assertThat(failsWith(IpcError.ALREADY_EXISTS, () -> service.create("q", 999, 4, Set.of())).getMessage())
                .contains("queue 'q'", "largest message 32, not 999");
        assertThat(failsWith(IpcError.ALREADY_EXISTS, () -> service.create("q", 32, 1, Set.of())).getMessage())
                .contains("message count 4, not 1");
        send(first, "kept", 1);
        service.unlink("q");
        failsWith(IpcError.NOT_FOUND, () -> service.open("q"));
        failsWith(IpcError.NOT_FOUND, () -> service.unlink("q"));
        assertThat(receive(first, null)).as("open handles keep working").isEqualTo("kept");
        try (MessageQueue again = service.create("q", 16, 2, EnumSet.of(QueueFlag.EXCLUSIVE))) {
            assertThat(again.attributes().maxMessages()).isEqualTo(2);
        }
        first.close();
        assertThat(first.isClosed()).isTrue();
        failsWith(IpcError.CLOSED, () -> send(first, "x", 0));
    }

    @Test
    void badInput() {
        MessageQueueService service = queues();
        for (String bad : new String[] { "", ".", "..", "a/b", "sp ace", "x".repeat(201), null }) {
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.create(bad, QueueOptions.defaults()));
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.open(bad));
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.unlink(bad));
        }
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("q", null));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("q", 0, 4, Set.of()));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("q", 4, 0, Set.of()));
        failsWith(IpcError.INVALID_ARGUMENT, () -> service.create("q", 4, 4, null));
        try (MessageQueue q = service.create("q", 8, 4, Set.of())) {
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("q", Rights.NONE, Set.of()));
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("q", 8, Set.of()));
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("q", Rights.READ, null));
            failsWith(IpcError.INVALID_ARGUMENT, () -> service.open("q", Rights.READ, Set.of(QueueFlag.EXCLUSIVE)));
            byte[] b = new byte[4];
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.send(b, 0, 4, -1));
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.send(b, 0, 4, 32));
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.trySend(b, 2, 4, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.trySend((byte[]) null, 0, 0, 0));
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.tryReceive(b, -1, 2, null));
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.tryReceive(ByteBuffer.allocate(4).asReadOnlyBuffer(), null));
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.send(b, 0, 4, 0, Duration.ofSeconds(-1)));
            IpcException tooLarge = failsWith(IpcError.MESSAGE_TOO_LARGE, () -> q.send(new byte[9], 0, 9, 0));
            assertThat(tooLarge.getMessage()).contains("9 bytes").contains("8 bytes");
            failsWith(IpcError.MESSAGE_TOO_LARGE, () -> q.trySend(ByteBuffer.allocate(9), 0));
            assertThat(q.attributes().currentMessages()).as("nothing queued").isZero();
            failsWith(IpcError.INVALID_ARGUMENT, () -> q.register(null));
        }
    }

    @Test
    void limitsAreCheckedBeforeAnythingIsTaken() {
        MessageQueueService service = queues(context(IpcLimits.defaults().with(Limit.OBJECTS, 2)));
        IpcException messages = failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create("q", 8, 257, Set.of()));
        assertThat(messages.getMessage()).contains(Limit.QUEUE_MESSAGES.key());
        IpcException size = failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create("q", 64 * 1024 + 1, 1, Set.of()));
        assertThat(size.getMessage()).contains(Limit.MESSAGE_SIZE.key());
        assertThat(root.resolve("queue").resolve("q")).doesNotExist();
        service.create("one", 8, 256, Set.of()).close();
        service.create("two", 64 * 1024, 1, Set.of()).close();
        IpcException objects = failsWith(IpcError.LIMIT_EXCEEDED, () -> service.create("three", 8, 1, Set.of()));
        assertThat(objects.getMessage()).contains(Limit.OBJECTS.key());
    }

    @Test
    void tooLargeReceiveLeavesTheMessageQueued() {
        try (MessageQueue q = queues().create("big", QueueOptions.of(100, 4))) {
            q.send(new byte[50], 0, 50, 3);
            MessageInfo info = new MessageInfo();
            failsWith(IpcError.MESSAGE_TOO_LARGE, () -> q.tryReceive(new byte[10], 0, 10, info));
            assertThat(info.length()).isEqualTo(50);
            assertThat(info.priority()).isEqualTo(3);
            ByteBuffer small = ByteBuffer.allocate(49);
            failsWith(IpcError.MESSAGE_TOO_LARGE, () -> q.receive(small, info));
            assertThat(small.position()).isZero();
            assertThat(q.attributes().currentMessages()).isEqualTo(1);
            ByteBuffer enough = ByteBuffer.allocate(50);
            assertThat(q.receive(enough, info, Duration.ofSeconds(5))).isEqualTo(50);
            assertThat(enough.hasRemaining()).isFalse();
        }
    }

    @Test
    void nonBlockingHandlesSayWouldBlock() {
        MessageQueueService service = queues();
        try (MessageQueue q = service.create("nb", QueueOptions.of(8, 1).withFlags(QueueFlag.NON_BLOCKING))) {
            assertThat(q.isNonBlocking()).isTrue();
            assertThat(q.attributes().nonBlocking()).isTrue();
            failsWith(IpcError.WOULD_BLOCK, () -> q.receive(new byte[8], 0, 8, null));
            failsWith(IpcError.WOULD_BLOCK, () -> q.receive(new byte[8], 0, 8, null, Duration.ofSeconds(30)));
            assertThat(q.trySend(new byte[1], 0, 1, 0)).isTrue();
            assertThat(q.trySend(new byte[1], 0, 1, 0)).isFalse();
            failsWith(IpcError.WOULD_BLOCK, () -> q.send(new byte[1], 0, 1, 0));
            failsWith(IpcError.WOULD_BLOCK, () -> q.send(ByteBuffer.allocate(1), 0, Duration.ofSeconds(30)));
            q.setNonBlocking(false);
            assertThat(q.attributes().flags()).isEmpty();
            failsWith(IpcError.TIMEOUT, () -> q.send(new byte[1], 0, 1, 0, Duration.ofMillis(20)));
            assertThat(q.receive(new byte[8], 0, 8, null)).isEqualTo(1);
            failsWith(IpcError.TIMEOUT, () -> q.receive(new byte[8], 0, 8, null, Duration.ofMillis(20)));
            assertThat(q.statistics().get(Counter.TIMEOUTS)).isEqualTo(2);
        }
        try (MessageQueue q = service.open("nb", Rights.READ_WRITE, Set.of(QueueFlag.NON_BLOCKING))) {
            failsWith(IpcError.WOULD_BLOCK, () -> q.receive(ByteBuffer.allocate(8), null));
        }
    }

    @Test
    void blockedReceiverWakesOnSendFromAnotherContext() throws Exception {
        MessageQueue receiver = queues().create("wake", QueueOptions.of(16, 2));
        MessageQueue sender = queues(context()).open("wake");
        CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> receive(receiver, null));
        send(sender, "hi", 2);
        assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("hi");
        send(sender, "1", 0);
        send(sender, "2", 0);
        CompletableFuture<Void> blockedSend = CompletableFuture.runAsync(() -> send(sender, "3", 0));
        assertThat(receive(receiver, null)).isEqualTo("1");
        blockedSend.get(30, TimeUnit.SECONDS);
        assertThat(receive(receiver, null)).isEqualTo("2");
        assertThat(receive(receiver, null)).isEqualTo("3");
    }

    @Test
    @Timeout(60)
    void closingWakesWaitersWithClosedAndInterruptsKeepTheFlag() throws Exception {
        MessageQueue q = queues().create("closing", QueueOptions.of(8, 1));
        CompletableFuture<Integer> waiter = new CompletableFuture<>();
        KernelSleep.awaitAsleep(BlockedCalls.start("queue-test-closed-receiver", waiter,
                () -> q.receive(new byte[8], 0, 8, null)), -1);
        q.close();
        assertClosed(waiter);

        MessageQueue other = queues().open("closing");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> flag = new AtomicReference<>();
        Thread th = new Thread(() -> {
            try {
                other.receive(new byte[8], 0, 8, null);
            } catch (Throwable e) {
                failure.set(e);
                flag.set(Thread.currentThread().isInterrupted());
            }
        }, "queue-test-interrupted-receiver");
        th.start();
        th.interrupt();
        th.join(30_000);
        assertThat(th.isAlive()).isFalse();
        assertThat(((IpcException) failure.get()).error()).isEqualTo(IpcError.INTERRUPTED);
        assertThat(flag.get()).isTrue();
    }

    @Test
    @Timeout(60)
    void mechanismCloseWakesWaitersAndMessagesPersist() throws Exception {
        IpcContext first = context();
        MessageQueue q = queues(first).create("persist", QueueOptions.of(32, 8));
        send(q, "low", 1);
        send(q, "high", 9);
        send(q, "low-2", 1);
        MessageQueue waiter = queues(first).create("idle", QueueOptions.of(8, 1));
        CompletableFuture<Integer> blocked = new CompletableFuture<>();
        KernelSleep.awaitAsleep(BlockedCalls.start("queue-test-idle-receiver", blocked,
                () -> waiter.receive(new byte[8], 0, 8, null)), -1);
        first.close();
        assertClosed(blocked);
        assertThat(q.isClosed()).isTrue();

        MessageQueue again = queues(context()).open("persist");
        assertThat(again.attributes().currentMessages()).isEqualTo(3);
        assertThat(receive(again, null)).isEqualTo("high");
        assertThat(receive(again, null)).isEqualTo("low");
        assertThat(receive(again, null)).isEqualTo("low-2");
        ObjectInfo info = again.info();
        assertThat(info.statistics().get(Counter.MESSAGES_IN)).isEqualTo(3);
        assertThat(info.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(3);
        assertThat(info.statistics().get(Counter.BYTES_IN)).isEqualTo(12);
        assertThat(info.statistics().get(Counter.HIGH_WATER_MARK)).isEqualTo(3);
        assertThat(info.statistics().get(Counter.DEPTH)).isZero();
        assertThat(info.capacity()).isEqualTo(8);
        assertThat(info.persistent()).isTrue();
    }

    @Test
    void objectsAreListedFromHeaders() {
        IpcContext c = context();
        try (MessageQueue q = queues(c).create("listed", QueueOptions.of(8, 5))) {
            send(q, "x", 0);
            send(q, "y", 0);
            var objects = c.runtime().objects();
            assertThat(objects).anySatisfy(o -> {
                assertThat(o.type()).isEqualTo(ObjectType.QUEUE);
                assertThat(o.name()).contains("listed");
                assertThat(o.capacity()).isEqualTo(5);
                assertThat(o.statistics().get(Counter.DEPTH)).isEqualTo(2);
                assertThat(o.statistics().get(Counter.HANDLES)).isEqualTo(1);
                assertThat(o.permissions().mode()).isEqualTo(QueueOptions.DEFAULT_MODE);
            });
        }
    }

    @Test
    void corruptedAndForeignFilesAreRefused() throws IOException {
        MessageQueueService service = queues();
        service.create("real", 8, 2, Set.of()).close();
        Path dir = root.resolve("queue");
        Files.write(dir.resolve("foreign"), bytes("not a queue at all, just some text ".repeat(200)));
        failsWith(IpcError.CORRUPTED, () -> service.open("foreign"));
        failsWith(IpcError.CORRUPTED, () -> service.create("foreign", QueueOptions.defaults()));
        Files.write(dir.resolve("empty"), new byte[0]);
        failsWith(IpcError.CORRUPTED, () -> service.open("empty"));
        byte[] real = Files.readAllBytes(dir.resolve("real"));
        Files.write(dir.resolve("truncated"), java.util.Arrays.copyOf(real, 5000));
        failsWith(IpcError.CORRUPTED, () -> service.open("truncated"));
        byte[] badRing = real.clone();
        badRing[QueueDescriptor.RING_OFFSET + org.multios.ipc.channels.ring.PriorityRingDescriptor.MAGIC_OFFSET] ^= 0x55;
        Files.write(dir.resolve("badring"), badRing);
        failsWith(IpcError.CORRUPTED, () -> service.open("badring"));
        byte[] badSizes = real.clone();
        ByteBuffer.wrap(badSizes).order(java.nio.ByteOrder.nativeOrder()).putInt(QueueDescriptor.MAX_MESSAGES, 3);
        Files.write(dir.resolve("badsizes"), badSizes);
        failsWith(IpcError.CORRUPTED, () -> service.open("badsizes"));
        assertThat(context().runtime().objects()).extracting(o -> o.name().orElse(""))
                .contains("real").doesNotContain("foreign", "empty", "truncated");
    }

    @Test
    void listenerIsToldWhenTheQueueBecomesNonEmpty() throws Exception {
        MessageQueueService service = queues();
        MessageQueue q = service.create("listen", QueueOptions.of(8, 4));
        send(q, "old", 0);
        CountDownLatch told = new CountDownLatch(1);
        AtomicReference<String> threadName = new AtomicReference<>();
        QueueRegistration reg = q.register(queue -> {
            threadName.set(Thread.currentThread().getName());
            told.countDown();
        });
        assertThat(reg.isActive()).isTrue();
        assertThat(reg.queue()).isSameAs(q);
        MessageQueue other = queues(context()).open("listen");
        failsWith(IpcError.BUSY, () -> other.register(queue -> { }));
        failsWith(IpcError.BUSY, () -> q.register(queue -> { }));
        assertThat(q.tryReceive(new byte[8], 0, 8, null)).isEqualTo(3);
        send(other, "new", 0);
        assertThat(told.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(threadName.get()).startsWith("ipc-queue-listener-listen");
        reg.close();
        assertThat(reg.isActive()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("ipc-queue-listener-listen"));
        QueueRegistration second = other.register(queue -> { });
        other.close();
        assertThat(second.isActive()).as("closing the handle ends its registration").isFalse();
        q.register(queue -> { }).close();
    }

    @Test
    void unlinkNeedsAdminAndReadOnlyHandlesCannotSend() {
        MessageQueueService service = queues();
        service.create("perm", QueueOptions.of(8, 2).withMode(0600)).close();
        try (MessageQueue reader = service.open("perm", Rights.READ, Set.of())) {
            assertThat(reader.rights() & Rights.READ).isNotZero();
        }
        MessageQueue q = service.open("perm");
        q.setPermissions(q.permissions().withMode(0400));
        failsWith(IpcError.PERMISSION_DENIED, () -> service.open("perm", Rights.WRITE, Set.of()));
        try (MessageQueue reader = service.open("perm", Rights.READ, Set.of())) {
            failsWith(IpcError.PERMISSION_DENIED, () -> reader.send(new byte[1], 0, 1, 0));
            assertThat(reader.statistics().get(Counter.DENIALS)).isEqualTo(1);
        }
        q.setPermissions(q.permissions().withMode(0600));
        service.unlink("perm");
    }

    /** Waits (at most 30 s) for a blocked call to end and asserts that it failed with CLOSED. */
    private static void assertClosed(CompletableFuture<?> call) {
        assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }
}
