package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildProcesses;

/** A queue shared with child JVMs: both directions, and a sender killed with SIGKILL while it waits for room. */
@Timeout(180)
class CrossProcessQueueTest extends QueueTestSupport {
    private static final int COUNT = 20_000;
    private static final int CAPACITY = 64;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(QueueChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    @Test
    void childSendsParentReceives() throws Exception {
        MessageQueue q = queues().create("to-parent", QueueOptions.of(TestMessages.MAX_LENGTH, 16));
        Process child = children.startJava("sender", root, tempDir.resolve("sender.log"), "send", "to-parent", "7",
                Integer.toString(COUNT));
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        MessageInfo info = new MessageInfo();
        long[] last = { -1, -1, -1 };
        for (int i = 0; i < COUNT; i++) {
            int n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(60));
            assertThat(TestMessages.isWhole(buf, n)).isTrue();
            assertThat(TestMessages.sender(buf)).isEqualTo(7);
            assertThat(info.senderPid()).isEqualTo(child.pid());
            long seq = TestMessages.sequence(buf);
            assertThat(seq).isGreaterThan(last[info.priority()]);
            last[info.priority()] = seq;
        }
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        assertThat(q.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
    }

    @Test
    void parentSendsChildReceives() throws Exception {
        MessageQueue q = queues().create("to-child", QueueOptions.of(TestMessages.MAX_LENGTH, 16));
        Process child = children.startJava("receiver", root, tempDir.resolve("receiver.log"), "receive", "to-child",
                Integer.toString(COUNT));
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (int seq = 0; seq < COUNT; seq++) {
            int n = TestMessages.write(buf, 3, seq);
            q.send(buf, 0, n, seq % 3, Duration.ofSeconds(60));
        }
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        assertThat(children.output(child)).contains("received " + COUNT);
    }

    /**
     * A sender killed with SIGKILL mid-stream, while it waits in a send for room: the queue is
     * full, the child is counted in as a sleeping sender (read from the file) and holds no slot.
     * Nothing it sent is torn or lost, no slot is lost, and its count left behind in the file
     * (too high now) costs signallers a wake-up of nobody, never a lost one. Kills inside a
     * send's write window are {@link KilledSenderTest}'s and {@link CrossProcessClaimTest}'s.
     */
    @Test
    void aSenderKilledWhileItWaitsForRoomLeavesTheQueueWholeAndWorking() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("killed", QueueOptions.of(TestMessages.MAX_LENGTH, CAPACITY));
        Process child = children.startJava("flooder", root, tempDir.resolve("flooder.log"), "flood", "killed", "9");
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        MessageInfo info = new MessageInfo();
        long[] last = { -1, -1, -1 };
        for (int received = 0; received < 5_000; received++) {
            check(buf, info, last, q.receive(buf, 0, buf.length, info, Duration.ofSeconds(60)));
        }
        assertThat(children.output(child)).contains("flooding");
        // nobody receives now: the child fills the queue, and from then on can take no slot; a
        // sleeper counted in after that holds none (one counted in before the last receive may
        // have been woken by it and be writing its message)
        QueueWaitStrategyTest.await(() -> q.file().ring().size() == CAPACITY);
        QueueWaitStrategyTest.await(() -> q.file().ring().signals().sendersSleeping() == 1);
        child.destroyForcibly();
        assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(q.file().ring().signals().sendersSleeping()).as("the dead sender's count stays").isEqualTo(1);

        int n;
        int drained = 0;
        while ((n = q.tryReceive(buf, 0, buf.length, info)) != MessagePort.NO_MESSAGE) {
            check(buf, info, last, n);
            drained++;
        }
        assertThat(drained).as("the full queue, nothing more, nothing less").isEqualTo(CAPACITY);
        for (int round = 0; round < 2; round++) {
            for (int seq = 0; seq < CAPACITY; seq++) {
                int len = TestMessages.write(buf, 1, seq);
                assertThat(q.trySend(buf, 0, len, 0)).as("slot %d of %d", seq, CAPACITY).isTrue();
            }
            assertThat(q.trySend(buf, 0, 1, 0)).as("the queue holds its capacity, no more").isFalse();
            for (int seq = 0; seq < CAPACITY; seq++) {
                n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(10));
                assertThat(TestMessages.isWhole(buf, n)).isTrue();
                assertThat(TestMessages.sequence(buf)).isEqualTo(seq);
            }
        }
        assertThat(Files.exists(root.resolve("queue").resolve("killed"))).isTrue();
    }

    private static void check(byte[] buf, MessageInfo info, long[] last, int n) {
        assertThat(TestMessages.isWhole(buf, n)).as("whole message of %d bytes: %s", n,
                Arrays.toString(Arrays.copyOf(buf, Math.max(0, n)))).isTrue();
        if (TestMessages.sender(buf) == 9) {
            long seq = TestMessages.sequence(buf);
            assertThat(seq).isGreaterThan(last[info.priority()]);
            last[info.priority()] = seq;
        }
    }

    @Test
    void childMissingQueueFails() throws Exception {
        Process child = children.startJava("missing", root, tempDir.resolve("missing.log"), "receive", "nothing", "1");
        assertThat(children.awaitExit(child)).isNotZero();
        assertThat(children.output(child)).contains(IpcError.NOT_FOUND.name());
        assertThat(IpcException.class).isNotNull();
    }
}
