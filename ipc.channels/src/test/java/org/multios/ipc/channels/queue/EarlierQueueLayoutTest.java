package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.multios.ipc.channels.EarlierLayoutFiles.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.KernelSleep;

/**
 * A durable queue's file of the layout before (queue layout 5, ring magic PRN3, a free ring of as
 * many entries as a priority's), as the build of that layout made it
 * ({@link org.multios.ipc.channels.EarlierLayoutFiles}: 40 messages sent and received, then 12
 * sent and 2 received), opened by this build: its messages come out in order, it takes new ones
 * to its last slot, its depth and high-water mark are right, sleepers wake, and it stays in its
 * layout; new queues get the new one. Versions and magics this build does not read are refused.
 */
@Timeout(60)
class EarlierQueueLayoutTest extends QueueTestSupport {
    private static final Duration LONG = Duration.ofSeconds(20);
    private Path durable;
    private Path file;

    @BeforeEach
    void earlierFile() throws IOException {
        durable = tempDir.resolve("durable");
        System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, durable.toString());
        // the durable root as the earlier build left it: made by a first durable queue
        queues().create("first", QueueOptions.of(8, 1).withDurability(QueueDurability.SYNC)).close();
        file = durable.resolve("queue").resolve(QUEUE);
        try (InputStream in = EarlierQueueLayoutTest.class.getResourceAsStream(
                "/org/multios/ipc/channels/earlier/queue-layout5")) {
            Files.copy(in, file);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void noDurableRoot() {
        System.clearProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
    }

    private static void send(MessageQueue q, String text, int priority) {
        byte[] b = text(text);
        q.send(b, 0, b.length, priority, LONG);
    }

    private static String receive(MessageQueue q, MessageInfo info) {
        byte[] buf = new byte[QUEUE_MESSAGE];
        int n = q.receive(buf, 0, buf.length, info, LONG);
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private int word(long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[4];
            f.seek(offset);
            f.readFully(b);
            return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
        }
    }

    private void putWord(long offset, int value) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            f.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value).array());
        }
    }

    private int layoutVersion() throws IOException {
        return word(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET);
    }

    private int ringMagic() throws IOException {
        return word(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.MAGIC_OFFSET);
    }

    @Test
    void theEarlierBuildsMessagesComeOutInOrderAndTheQueueTakesNewOnesToItsLastSlot() throws IOException {
        assertThat(layoutVersion()).isEqualTo(QueueDescriptor.LAYOUT_VERSION_PRN3);
        assertThat(ringMagic()).isEqualTo(PriorityRingDescriptor.MAGIC_PRN3);
        long earlierLength = Files.size(file);
        assertThat(earlierLength).isEqualTo(QueueDescriptor.RING_OFFSET
                + QueueDescriptor.ringLength(QUEUE_MESSAGE, QUEUE_SLOTS, PriorityRingDescriptor.FREE_SCALE_PRN3))
                .isLessThan(QueueDescriptor.fileLength(QUEUE_MESSAGE, QUEUE_SLOTS));
        try (MessageQueue q = queues().open(QUEUE)) {
            assertThat(q.attributes().currentMessages()).isEqualTo(QUEUE_SENT - QUEUE_RECEIVED);
            assertThat(q.statistics().get(Counter.HIGH_WATER_MARK)).isEqualTo(QUEUE_SENT);
            MessageInfo info = new MessageInfo();
            List<String> got = new ArrayList<>();
            for (int n = QUEUE_SENT - QUEUE_RECEIVED; n > 0; n--) {
                got.add(receive(q, info) + "@" + info.priority());
            }
            assertThat(got).containsExactly("m-8@20", "m-11@20", "m-1@10", "m-4@10", "m-7@10", "m-10@10", "m-0@0",
                    "m-3@0", "m-6@0", "m-9@0");
            assertThat(q.tryReceive(new byte[QUEUE_MESSAGE], 0, QUEUE_MESSAGE, null)).isEqualTo(MessageQueue.NO_MESSAGE);

            // every slot again, round the free ring more than once, in order within a priority
            for (int lap = 0; lap < 3; lap++) {
                for (int k = 0; k < QUEUE_SLOTS; k++) {
                    byte[] b = text("n-" + lap + "-" + k);
                    assertThat(q.trySend(b, 0, b.length, k % 2)).as("lap %d slot %d", lap, k).isTrue();
                }
                assertThat(q.trySend(new byte[1], 0, 1, 0)).as("full at its %d slots", QUEUE_SLOTS).isFalse();
                assertThat(q.attributes().currentMessages()).isEqualTo(QUEUE_SLOTS);
                for (int p = 1; p >= 0; p--) {
                    for (int k = p; k < QUEUE_SLOTS; k += 2) {
                        assertThat(receive(q, info)).isEqualTo("n-" + lap + "-" + k);
                        assertThat(info.priority()).isEqualTo(p);
                    }
                }
            }
            assertThat(q.statistics().get(Counter.HIGH_WATER_MARK)).isEqualTo(QUEUE_SLOTS);

            // drained in place
            for (int k = 0; k < 5; k++) {
                send(q, "d-" + k, 4);
            }
            List<String> drained = new ArrayList<>();
            assertThat(q.drain((message, i) -> {
                byte[] b = new byte[message.length()];
                message.getBytes(0, b, 0, b.length);
                drained.add(new String(b, StandardCharsets.UTF_8));
            }, 10)).isEqualTo(5);
            assertThat(drained).containsExactly("d-0", "d-1", "d-2", "d-3", "d-4");
        }
        assertThat(layoutVersion()).as("kept in its layout").isEqualTo(QueueDescriptor.LAYOUT_VERSION_PRN3);
        assertThat(ringMagic()).isEqualTo(PriorityRingDescriptor.MAGIC_PRN3);
        assertThat(Files.size(file)).isEqualTo(earlierLength);
    }

    @Test
    void aSleepingReceiverAndASleepingSenderWakeAcrossThreads() throws Exception {
        MessageQueue receiving = queues().open(QUEUE);
        MessageQueue sending = queues().open(QUEUE);
        MessageInfo info = new MessageInfo();
        for (int n = QUEUE_SENT - QUEUE_RECEIVED; n > 0; n--) {
            receive(sending, info);
        }
        // a receiver asleep on the empty queue wakes at a send of another thread
        CompletableFuture<String> got = new CompletableFuture<>();
        Thread receiver = BlockedCalls.start("earlier-recv", got, () -> receive(receiving, new MessageInfo()));
        KernelSleep.awaitAsleepOn(receiver, file,
                QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.AVAILABLE_SEQUENCE_OFFSET);
        send(sending, "wake", 9);
        assertThat(got.get(20, TimeUnit.SECONDS)).isEqualTo("wake");
        receiver.join();

        // a sender asleep on the full queue wakes at a receive of another thread
        for (int k = 0; k < QUEUE_SLOTS; k++) {
            send(sending, "f-" + k, 1);
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Thread sender = BlockedCalls.start("earlier-send", sent, () -> {
            send(sending, "last", 1);
            return null;
        });
        KernelSleep.awaitAsleepOn(sender, file,
                QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.SPACE_SEQUENCE_OFFSET);
        assertThat(receive(receiving, info)).isEqualTo("f-0");
        sent.get(20, TimeUnit.SECONDS);
        sender.join();
        for (int k = 1; k < QUEUE_SLOTS; k++) {
            assertThat(receive(receiving, info)).isEqualTo("f-" + k);
        }
        assertThat(receive(receiving, info)).isEqualTo("last");
        receiving.close();
        sending.close();
    }

    @Test
    void aNewQueueGetsTheNewLayout() throws IOException {
        queues().create("fresh", QueueOptions.of(QUEUE_MESSAGE, QUEUE_SLOTS).withDurability(QueueDurability.SYNC))
                .close();
        file = durable.resolve("queue").resolve("fresh");
        assertThat(layoutVersion()).isEqualTo(QueueDescriptor.LAYOUT_VERSION);
        assertThat(ringMagic()).isEqualTo(PriorityRingDescriptor.MAGIC);
        assertThat(Files.size(file)).isEqualTo(QueueDescriptor.fileLength(QUEUE_MESSAGE, QUEUE_SLOTS));
    }

    @Test
    void aLayoutVersionOfNoKnownLayoutIsRefusedNamingTheQueueAndTheVersion() throws IOException {
        putWord(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET, 8);
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open(QUEUE)).getMessage())
                .contains("queue '" + QUEUE + "'", "layout version 8", "reads 6, 7 and 5");
    }

    @Test
    void aRingMagicOfNoKnownLayoutIsRefusedNamingTheQueueAndTheMagic() throws IOException {
        putWord(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.MAGIC_OFFSET, 0x50524e35); // "PRN5"
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open(QUEUE)).getMessage())
                .contains("queue '" + QUEUE + "'", "ring magic 0x50524e35");
    }

    @Test
    void aRingMagicOfTheOtherLayoutIsRefused() throws IOException {
        // layout 5's header over a ring that says PRN4: a PRN4 ring of these sizes does not fit
        putWord(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.MAGIC_OFFSET, PriorityRingDescriptor.MAGIC);
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open(QUEUE)).getMessage())
                .contains("queue '" + QUEUE + "'", "inconsistent message ring");
        // layout 6's header, sized for layout 6, over the PRN3 ring: it fits, the versions disagree
        putWord(QueueDescriptor.RING_OFFSET + PriorityRingDescriptor.MAGIC_OFFSET, PriorityRingDescriptor.MAGIC_PRN3);
        putWord(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET, QueueDescriptor.LAYOUT_VERSION);
        long ring = QueueDescriptor.ringLength(QUEUE_MESSAGE, QUEUE_SLOTS);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(QueueDescriptor.RING_OFFSET + ring);
            f.seek(ObjectFileDescriptor.DATA_LENGTH_OFFSET);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, ring).array());
        }
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open(QUEUE)).getMessage())
                .contains("queue '" + QUEUE + "'", "layout version 6 but a ring of magic 0x50524e33");
    }
}
