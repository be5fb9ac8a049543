package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildProcesses;

/**
 * A lane queue shared with a child JVM ({@link QueueChildMain}, which opens it by name): each
 * way, every message whole and in the order sent, whatever its priority, through a lane of a few
 * messages so that both sides wait for each other many times.
 */
@Timeout(180)
class LaneCrossProcessQueueTest extends QueueTestSupport {
    private static final int COUNT = 20_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(QueueChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    private MessageQueue lane(String name, WaitStrategy strategy) {
        return queues().create(name, QueueOptions.of(TestMessages.MAX_LENGTH, 16).withLane(true)
                .withWaitStrategy(strategy));
    }

    @Test
    void childSendsParentReceivesInTheOrderSent() throws Exception {
        MessageQueue q = lane("lane-to-parent", WaitStrategy.ADAPTIVE);
        Process child = children.startJava("sender", root, tempDir.resolve("sender.log"), "send", "lane-to-parent",
                "7", Integer.toString(COUNT));
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        MessageInfo info = new MessageInfo();
        for (long seq = 0; seq < COUNT; seq++) {
            int n = q.receive(buf, 0, buf.length, info, WAIT);
            assertThat(TestMessages.isWhole(buf, n)).isTrue();
            assertThat(TestMessages.sender(buf)).isEqualTo(7);
            assertThat(TestMessages.sequence(buf)).as("first in, first out").isEqualTo(seq);
            assertThat(info.priority()).isEqualTo((int) (seq % 3));
            assertThat(info.senderPid()).isEqualTo(child.pid());
        }
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        assertThat(q.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
    }

    @Test
    void parentSendsChildReceivesWithSpinningWaits() throws Exception {
        MessageQueue q = lane("lane-to-child", WaitStrategy.SPIN);
        Process child = children.startJava("receiver", root, tempDir.resolve("receiver.log"), "receive-fifo",
                "lane-to-child", Integer.toString(COUNT));
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (int seq = 0; seq < COUNT; seq++) {
            int n = TestMessages.write(buf, 3, seq);
            q.send(buf, 0, n, seq % 3, WAIT);
        }
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        assertThat(children.output(child)).contains("received " + COUNT);
        assertThat(q.attributes().currentMessages()).isZero();
    }
}
