package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multios.ipc.IpcContext;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.core.mapped.ObjectFileDescriptor;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueFlag;
import org.multios.ipc.queue.QueueOptions;

/**
 * Durable queues through the plain-Java bootstrap: where they live, one namespace with the
 * queues in memory, priorities, and their messages found again by a later mechanism.
 */
@Timeout(60)
class DurableQueueTest extends QueueTestSupport {
    private Path durable;

    @BeforeEach
    void durableRoot() {
        durable = tempDir.resolve("durable");
        System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, durable.toString());
    }

    @AfterEach
    void noDurableRoot() {
        System.clearProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
    }

    private static void send(MessageQueue q, String text, int priority) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        q.send(b, 0, b.length, priority);
    }

    private static String receive(MessageQueue q, MessageInfo info) {
        byte[] buf = new byte[256];
        int n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(10));
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = QueueDurability.class, names = { "OS", "GROUP", "SYNC" })
    void livesInTheDurableRootAndIsFoundByName(QueueDurability level) {
        MessageQueueService mine = queues();
        MessageQueueService theirs = queues();
        try (MessageQueue q = mine.create("ledger", QueueOptions.of(64, 8).withDurability(level));
                MessageQueue other = theirs.open("ledger")) {
            assertThat(durable.resolve("queue").resolve("ledger")).isRegularFile();
            assertThat(root.resolve("queue").resolve("ledger")).doesNotExist();
            send(q, "low", 1);
            send(q, "high", 30);
            send(q, "low again", 1);
            MessageInfo info = new MessageInfo();
            assertThat(receive(other, info)).isEqualTo("high");
            assertThat(info.priority()).isEqualTo(30);
            assertThat(receive(other, info)).isEqualTo("low");
            assertThat(receive(other, info)).isEqualTo("low again");
        }
        assertThat(mine.create("ledger", QueueOptions.of(64, 8).withDurability(level)).attributes().maxMessages())
                .as("open-or-create of the same durability opens it").isEqualTo(8);
    }

    @Test
    void messagesOutliveTheMechanismThatSentThem() {
        IpcContext first = context();
        try (MessageQueue q = queues(first).create("kept",
                QueueOptions.of(64, 8).withDurability(QueueDurability.GROUP))) {
            send(q, "one", 3);
            send(q, "two", 7);
        }
        first.close(); // the mechanism stops: its group commit flushes what is pending

        try (MessageQueue q = queues().open("kept")) {
            MessageInfo info = new MessageInfo();
            assertThat(receive(q, info)).isEqualTo("two");
            assertThat(receive(q, info)).isEqualTo("one");
        }
    }

    @Test
    void aMessageTornOnDiskIsDroppedNamingItsQueueAndOffsetAndTheOthersAreKept() throws Exception {
        try (MessageQueue q = queues().create("torn", QueueOptions.of(64, 8).withDurability(QueueDurability.SYNC))) {
            send(q, "first message", 5);
            send(q, "second message", 5);
            send(q, "third message", 5);
        }
        // what a page written back half before a power loss leaves: one byte of a payload changed
        Path file = durable.resolve("queue").resolve("torn");
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, "second message".getBytes(StandardCharsets.UTF_8));
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at + 2);
            f.write('C');
        }
        try (MessageQueue q = queues().open("torn")) {
            MessageInfo info = new MessageInfo();
            assertThat(receive(q, info)).isEqualTo("first message");
            assertThat(failsWith(IpcError.CORRUPTED, () -> receive(q, info)).getMessage()).contains(file.toString(),
                    "offset " + (at - PriorityRingDescriptor.SLOT_HEADER_SIZE) + " of the file", "checksum",
                    "dropped");
            assertThat(receive(q, info)).isEqualTo("third message");
            assertThat(q.tryReceive(new byte[64], 0, 64, null)).isEqualTo(-1);
        }
    }

    @Test
    void aQueueFileOfTheLayoutWithoutChecksumsIsRefusedNamingBothVersions() throws Exception {
        queues().create("old", QueueOptions.of(16, 2).withDurability(QueueDurability.SYNC)).close();
        Path file = durable.resolve("queue").resolve("old");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.seek(ObjectFileDescriptor.OBJECT_LAYOUT_VERSION_OFFSET);
            f.write(java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder()).putInt(0, 4).array());
        }
        assertThat(failsWith(IpcError.CORRUPTED, () -> queues().open("old")).getMessage())
                .contains("queue 'old'", "layout version 4", "reads " + QueueDescriptor.LAYOUT_VERSION);
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not in the file");
    }

    @Test
    void oneNamespaceOverBothRoots() {
        MessageQueueService service = queues();
        service.create("memory", QueueOptions.of(16, 2)).close();
        service.create("disk", QueueOptions.of(16, 2).withDurability(QueueDurability.SYNC)).close();

        failsWith(IpcError.ALREADY_EXISTS,
                () -> service.create("memory", QueueOptions.of(16, 2).withDurability(QueueDurability.SYNC)));
        failsWith(IpcError.ALREADY_EXISTS, () -> service.create("memory", QueueOptions.of(16, 2)
                .withDurability(QueueDurability.OS).withFlags(QueueFlag.EXCLUSIVE)));
        assertThat(failsWith(IpcError.ALREADY_EXISTS, () -> service.create("disk", QueueOptions.of(16, 2)))
                .getMessage()).contains("queue 'disk'", "SYNC", "NONE");
        failsWith(IpcError.ALREADY_EXISTS,
                () -> service.create("disk", QueueOptions.of(16, 2).withDurability(QueueDurability.GROUP)));
        assertThat(durable.resolve("queue").resolve("memory")).doesNotExist();
        assertThat(root.resolve("queue").resolve("disk")).doesNotExist();

        assertThat(context().runtime().objects(ObjectType.QUEUE)).extracting(i -> i.name().orElseThrow())
                .contains("memory", "disk");

        service.unlink("disk");
        assertThat(durable.resolve("queue").resolve("disk")).doesNotExist();
        service.create("disk", QueueOptions.of(16, 2)).close();
        assertThat(root.resolve("queue").resolve("disk")).isRegularFile();
        failsWith(IpcError.NOT_FOUND, () -> service.unlink("nowhere"));
    }

    @Test
    void aDurableRootInMemoryIsRefused() throws Exception {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
        Path inMemory = root.resolveSibling("durable-in-memory");
        System.setProperty(MessageQueueMechanism.DURABLE_ROOT_PROPERTY, inMemory.toString());
        MessageQueueService service = queues();
        String message = failsWith(IpcError.UNSUPPORTED, () -> service.create("volatile",
                QueueOptions.of(16, 2).withDurability(QueueDurability.SYNC))).getMessage();
        assertThat(message).contains("queue 'volatile'", inMemory.toString(), "tmpfs",
                MessageQueueMechanism.DURABLE_ROOT_PROPERTY);
        assertThat(inMemory.resolve("queue").resolve("volatile")).doesNotExist();
        service.create("volatile", QueueOptions.of(16, 2)).close(); // nothing of it is left
    }
}
