package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.multios.ipc.Counter;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Wait strategies between processes: a child JVM opens the queue by name and waits as the file
 * says, both ways, under every strategy; and a child killed with SIGKILL while it waits (spinning,
 * or asleep after its budget) leaves the queue working for everyone else.
 */
@Timeout(180)
class CrossProcessWaitStrategyTest extends QueueTestSupport {
    private static final int COUNT = 2_000;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(QueueChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    static Stream<WaitStrategy> strategies() {
        return Stream.of(WaitStrategy.BLOCK, WaitStrategy.SPIN, WaitStrategy.BACKOFF, WaitStrategy.ADAPTIVE);
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void parentSendsChildWaitsAndReceives(WaitStrategy strategy) throws Exception {
        MessageQueue q = queues().create("to-child",
                QueueOptions.of(TestMessages.MAX_LENGTH, 4).withWaitStrategy(strategy));
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

    @ParameterizedTest
    @MethodSource("strategies")
    void childSendsParentWaitsAndReceives(WaitStrategy strategy) throws Exception {
        MessageQueue q = queues().create("to-parent",
                QueueOptions.of(TestMessages.MAX_LENGTH, 4).withWaitStrategy(strategy));
        Process child = children.startJava("sender", root, tempDir.resolve("sender.log"), "send", "to-parent", "7",
                Integer.toString(COUNT));
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        MessageInfo info = new MessageInfo();
        for (int i = 0; i < COUNT; i++) {
            int n = q.receive(buf, 0, buf.length, info, Duration.ofSeconds(60));
            assertThat(TestMessages.isWhole(buf, n)).isTrue();
        }
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aChildKilledWhileItWaitsLeavesTheQueueWorking(WaitStrategy strategy) throws Exception {
        QueueHandle q = (QueueHandle) queues().create("killed",
                QueueOptions.of(TestMessages.MAX_LENGTH, 4).withWaitStrategy(strategy));
        Process child = children.startJava("waiter", root, tempDir.resolve("waiter.log"), "receive", "killed", "1");
        QueueWaitStrategyTest.await(() -> q.info().statistics().get(Counter.WAITS) >= 1);
        child.destroyForcibly(); // SIGKILL: spinning, yielding or asleep in the kernel
        child.waitFor();
        if (!strategy.sleeps()) {
            assertThat(q.file().ring().signals().receiversSleeping()).as("a spinner never counted itself in").isZero();
        }
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        for (int round = 0; round < 3; round++) {
            for (int seq = 0; seq < 4; seq++) {
                int n = TestMessages.write(buf, 1, seq);
                q.send(buf, 0, n, 0, Duration.ofSeconds(20));
            }
            for (int seq = 0; seq < 4; seq++) {
                int n = q.receive(buf, 0, buf.length, null, Duration.ofSeconds(20));
                assertThat(TestMessages.isWhole(buf, n)).isTrue();
                assertThat(TestMessages.sequence(buf)).isEqualTo(seq);
            }
        }
        Process next = children.startJava("next", root, tempDir.resolve("next.log"), "receive", "killed", "5");
        for (int seq = 0; seq < 5; seq++) {
            int n = TestMessages.write(buf, 2, seq);
            q.send(buf, 0, n, seq % 3, Duration.ofSeconds(60));
        }
        assertThat(children.awaitExit(next)).as(children.output(next)).isZero();
    }
}
