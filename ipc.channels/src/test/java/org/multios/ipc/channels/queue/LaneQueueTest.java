package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.multios.ipc.spi.BlockedCalls.assertDenied;
import static org.multios.ipc.spi.BlockedCalls.start;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcEnvironment;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.IpcLimits;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channels.ring.LaneRing;
import org.multios.ipc.channels.ring.PortFiles;
import org.multios.ipc.core.mapped.ObjectDirectory;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.spi.RecordingCaller;

/**
 * A queue made as a lane ({@link QueueOptions#lane()}) through the public service: messages in
 * the order sent whatever their priority, its own layout version that opening keeps and a create
 * asking for the other kind is told, no durable lanes, and what every queue does (attributes,
 * statistics, listing from headers, listener notification, timeouts, non-blocking handles,
 * waiters woken by a send, by closing and by revocation) done on a lane.
 */
@Timeout(60)
class LaneQueueTest extends QueueTestSupport {
    private static final QueueOptions LANE = QueueOptions.of(64, 4).withLane(true);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private MessageQueueMechanism mechanism;

    @AfterEach
    void closeMechanism() {
        if (mechanism != null) {
            mechanism.close();
        }
    }

    private static void send(MessageQueue q, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        q.send(b, 0, b.length, priority, WAIT);
    }

    private static String receive(MessageQueue q, MessageInfo info) {
        byte[] b = new byte[64];
        int n = q.receive(b, 0, b.length, info, WAIT);
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    @Test
    void messagesComeInTheOrderSentWithTheirPriorities() {
        try (MessageQueue q = queues().create("fifo", LANE)) {
            send(q, "low", 0);
            send(q, "high", 31);
            send(q, "middle", 5);
            MessageInfo info = new MessageInfo();
            assertThat(receive(q, info)).isEqualTo("low");
            assertThat(info.priority()).isZero();
            assertThat(receive(q, info)).isEqualTo("high");
            assertThat(info.priority()).isEqualTo(31);
            assertThat(receive(q, info)).isEqualTo("middle");
            assertThat(info.priority()).isEqualTo(5);
            assertThat(q.tryReceive(new byte[64], 0, 64, null)).isEqualTo(MessagePort.NO_MESSAGE);
        }
    }

    @Test
    void aDurableLaneIsRefusedNamingTheQueueAndBothOptions() {
        for (QueueDurability durability : new QueueDurability[] { QueueDurability.OS, QueueDurability.GROUP,
            QueueDurability.SYNC }) {
            IpcException e = failsWith(IpcError.INVALID_ARGUMENT,
                    () -> queues().create("durable-lane", LANE.withDurability(durability)));
            assertThat(e.getMessage()).contains("queue 'durable-lane'", "lane", "durability " + durability);
        }
        assertThat(queues().create("durable-lane", LANE).attributes().maxMessages()).isEqualTo(4);
    }

    @Test
    void aNamedLaneKeepsItsKindAndACreateAskingForTheOtherIsTold() throws Exception {
        queues().create("kind", LANE).close();
        try (MessageQueue q = queues(context()).open("kind")) {
            QueueFile file = ((QueueHandle) q).file();
            assertThat(file.isLane()).isTrue();
            assertThat(file.ring()).isInstanceOf(LaneRing.class);
            assertThat(PortFiles.layoutVersion(file.region())).isEqualTo(QueueDescriptor.LAYOUT_VERSION_LANE);
        }
        try (MessageQueue again = queues().create("kind", LANE)) {
            assertThat(((QueueHandle) again).file().isLane()).isTrue();
        }
        IpcException priorities = failsWith(IpcError.ALREADY_EXISTS,
                () -> queues().create("kind", QueueOptions.of(64, 4)));
        assertThat(priorities.getMessage()).contains("queue 'kind'", "kind of queue", "lane", "priorities");
        queues().create("rings", QueueOptions.of(64, 4)).close();
        IpcException lane = failsWith(IpcError.ALREADY_EXISTS, () -> queues().create("rings", LANE));
        assertThat(lane.getMessage()).contains("queue 'rings'", "kind of queue", "lane", "priorities");
        try (MessageQueue q = queues().open("rings")) {
            assertThat(((QueueHandle) q).file().isLane()).as("a queue with priorities stays one").isFalse();
        }
    }

    /** A lane file whose header says durable, or other sizes than its lane's, is refused, naming the queue. */
    @Test
    void aLaneFileThatSaysDurableOrOtherSizesIsCorrupted() throws Exception {
        queues().create("crafted", LANE).close();
        Path file = root.resolve("queue").resolve("crafted");
        byte[] made = Files.readAllBytes(file);
        ByteBuffer.wrap(made).order(ByteOrder.nativeOrder()).putInt(QueueDescriptor.DURABILITY,
                QueueDurability.SYNC.ordinal());
        Files.write(file, made);
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open("crafted")).getMessage())
                .contains("queue 'crafted'", "lane", "SYNC");
        ByteBuffer.wrap(made).order(ByteOrder.nativeOrder()).putInt(QueueDescriptor.DURABILITY, 0)
                .putInt(QueueDescriptor.MAX_MESSAGES, 1000);
        Files.write(file, made);
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open("crafted")).getMessage())
                .contains("queue 'crafted'", "1000 messages");
        ByteBuffer.wrap(made).order(ByteOrder.nativeOrder()).putInt(QueueDescriptor.MAX_MESSAGES, 4);
        Files.write(file, made);
        try (MessageQueue q = queues().open("crafted")) {
            assertThat(q.attributes().maxMessages()).as("as made, it opens").isEqualTo(4);
        }
    }

    @Test
    void attributesStatisticsAndListingsCountTheLanesMessages() {
        IpcContext c = context();
        try (MessageQueue q = queues(c).create("counted", LANE)) {
            send(q, "x", 0);
            send(q, "yy", 7);
            assertThat(q.attributes().currentMessages()).isEqualTo(2);
            assertThat(q.attributes().maxMessages()).isEqualTo(4);
            assertThat(q.attributes().maxMessageSize()).isEqualTo(64);
            assertThat(receive(q, null)).isEqualTo("x");
            ObjectInfo info = q.info();
            assertThat(info.capacity()).isEqualTo(4);
            assertThat(info.statistics().get(Counter.MESSAGES_IN)).isEqualTo(2);
            assertThat(info.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1);
            assertThat(info.statistics().get(Counter.BYTES_IN)).isEqualTo(3);
            assertThat(info.statistics().get(Counter.DEPTH)).isEqualTo(1);
            assertThat(c.runtime().objects()).anySatisfy(o -> {
                assertThat(o.type()).isEqualTo(ObjectType.QUEUE);
                assertThat(o.name()).contains("counted");
                assertThat(o.statistics().get(Counter.DEPTH)).isEqualTo(1);
                assertThat(o.statistics().get(Counter.HANDLES)).isEqualTo(1);
            });
            // as ipc-stat reads it, without a gateway: a copy of the header, nothing mapped
            ObjectInfo listed = new QueueFileReader().snapshot(
                    new ObjectDirectory(new IpcEnvironment(root, IpcLimits.defaults()), ObjectType.QUEUE), "counted");
            assertThat(listed.name()).contains("counted");
            assertThat(listed.capacity()).isEqualTo(4);
            assertThat(listed.statistics().get(Counter.MESSAGES_IN)).isEqualTo(2);
            assertThat(listed.statistics().get(Counter.DEPTH)).isEqualTo(1);
        }
    }

    /**
     * A lane sized for 4 messages of 64 bytes holds more of 1 byte (the README's promise): its
     * attributes read 4 current messages, the statistics' depth the true count, and every
     * message comes out. Before, attributes() failed with INVALID_ARGUMENT (5 outside 0..4), and
     * so did the console's receive, which reads them.
     */
    @Test
    void aLaneHoldingMoreSmallMessagesThanItsCountReadsAsFull() {
        try (MessageQueue q = queues().create("small", LANE)) {
            int sent = 0;
            while (q.trySend(new byte[1], 0, 1, 0)) {
                sent++;
            }
            assertThat(sent).isGreaterThan(4);
            assertThat(q.attributes().currentMessages()).isEqualTo(4);
            assertThat(q.info().statistics().get(Counter.DEPTH)).isEqualTo(sent);
            for (int i = 0; i < sent; i++) {
                assertThat(q.tryReceive(new byte[64], 0, 64, null)).isEqualTo(1);
            }
            assertThat(q.attributes().currentMessages()).isZero();
        }
    }

    /**
     * A message sent into the empty lane while no receiver sleeps bumps the notify sequence once
     * (in the sender's thread, so it is read right after the send) and the listener is called;
     * one sent while a message waits does not bump it.
     */
    @Test
    void theListenerIsToldWhenTheLaneBecomesNonEmptyAndOnlyThen() throws Exception {
        MessageQueue q = queues().create("listened", LANE);
        send(q, "old", 0);
        CountDownLatch told = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        QueueRegistration reg = q.register(queue -> {
            calls.incrementAndGet();
            told.countDown();
        });
        var region = ((QueueHandle) q).file().region();
        int before = region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE);
        MessageQueue other = queues(context()).open("listened");
        send(other, "second", 0);
        assertThat(region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE)).as("not empty before: nobody told")
                .isEqualTo(before);
        assertThat(receive(q, null)).isEqualTo("old");
        assertThat(receive(q, null)).isEqualTo("second");
        send(other, "new", 0);
        assertThat(region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE)).as("empty before: told once")
                .isEqualTo(before + 1);
        send(other, "newer", 0);
        assertThat(region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE)).isEqualTo(before + 1);
        assertThat(told.await(30, TimeUnit.SECONDS)).isTrue();
        reg.close();
        assertThat(calls.get()).isEqualTo(1);
        assertThat(receive(q, null)).isEqualTo("new");
        assertThat(receive(q, null)).isEqualTo("newer");
        send(other, "unwatched", 0);
        assertThat(region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE)).as("no listener: nobody told")
                .isEqualTo(before + 1);
        other.close();
        q.close();
    }

    @Test
    void timeoutsAndNonBlockingHandlesOnAFullAndAnEmptyLane() {
        try (MessageQueue q = queues().create("bounded", QueueOptions.of(64, 1).withLane(true))) {
            failsWith(IpcError.TIMEOUT, () -> q.receive(new byte[64], 0, 64, null, Duration.ofMillis(20)));
            int sent = 0;
            while (q.trySend(new byte[64], 0, 64, 0)) {
                sent++;
            }
            assertThat(sent).as("a lane holds at least maxMessages of the largest").isGreaterThanOrEqualTo(1);
            failsWith(IpcError.TIMEOUT, () -> q.send(new byte[64], 0, 64, 0, Duration.ofMillis(20)));
            q.setNonBlocking(true);
            failsWith(IpcError.WOULD_BLOCK, () -> q.send(ByteBuffer.allocate(64), 0, WAIT));
            assertThat(q.statistics().get(Counter.TIMEOUTS)).isEqualTo(2);
            failsWith(IpcError.MESSAGE_TOO_LARGE, () -> q.trySend(new byte[65], 0, 65, 0));
            for (int i = 0; i < sent; i++) {
                assertThat(q.receive(ByteBuffer.allocate(64), null)).isEqualTo(64);
            }
            failsWith(IpcError.WOULD_BLOCK, () -> q.receive(new byte[64], 0, 64, null));
        }
    }

    @Test
    void waitersOfEachStrategyAreWokenBySendsAndReceivesOfAnotherContext() throws Exception {
        for (WaitStrategy strategy : new WaitStrategy[] { WaitStrategy.SPIN, WaitStrategy.BACKOFF,
            WaitStrategy.ADAPTIVE, WaitStrategy.BLOCK }) {
            String name = "wake-" + strategy.kind().name().toLowerCase();
            MessageQueue receiver = queues().create(name, QueueOptions.of(16, 1).withLane(true)
                    .withWaitStrategy(strategy));
            MessageQueue sender = queues(context()).open(name);
            CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> receive(receiver, null));
            send(sender, "hi", 2);
            assertThat(got.get(30, TimeUnit.SECONDS)).isEqualTo("hi");
            while (sender.trySend(new byte[16], 0, 16, 0)) {
                // fill the lane
            }
            CompletableFuture<Void> blockedSend = CompletableFuture.runAsync(() -> send(sender, "last", 0));
            int before = 0;
            while (!receive(receiver, null).equals("last")) {
                before++; // the messages that filled the lane, in order before it
            }
            blockedSend.get(30, TimeUnit.SECONDS);
            assertThat(before).isPositive();
            assertThat(receiver.tryReceive(new byte[16], 0, 16, null)).isEqualTo(MessagePort.NO_MESSAGE);
            receiver.close();
            sender.close();
        }
    }

    @Test
    void closingWakesAReceiverAsleepOnTheLaneWithClosed() throws Exception {
        MessageQueue q = queues().create("closing", LANE.withWaitStrategy(WaitStrategy.BLOCK));
        CompletableFuture<Integer> waiter = new CompletableFuture<>();
        KernelSleep.awaitAsleep(BlockedCalls.start("lane-queue-closed-receiver", waiter,
                () -> q.receive(new byte[64], 0, 64, null)), -1);
        q.close();
        assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
    }

    @Test
    void aReceiveAsleepOnTheLaneFailsAtRevokeAndTheMessageSentAfterStaysQueued() throws Exception {
        mechanism = new MessageQueueMechanism(new IpcEnvironment(root, IpcLimits.defaults()));
        RecordingCaller victim = RecordingCaller.osUser(1);
        RecordingCaller peer = RecordingCaller.osUser(2);
        MessageQueue sender = mechanism.bind(peer).create("revoked", LANE.withMode(0666));
        QueueHandle revoked = (QueueHandle) mechanism.bind(victim).open("revoked");
        revoked.sliceNanos(TimeUnit.HOURS.toNanos(1));
        CompletableFuture<Integer> got = new CompletableFuture<>();
        KernelSleep.awaitAsleep(start("lane-queue-revoked-receiver", got,
                () -> revoked.receive(new byte[64], 0, 64, new MessageInfo())), -1);
        victim.revokeAll();
        assertDenied(got);
        sender.send(new byte[12], 0, 12, 1);
        assertThat(victim.denials()).containsExactly("receive from queue 'revoked'");
        assertThat(sender.tryReceive(new byte[64], 0, 64, new MessageInfo())).as("the message is still queued")
                .isEqualTo(12);
    }
}
