package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.BlockedCalls;
import org.multios.ipc.spi.ChildProcesses;
import org.multios.ipc.spi.KernelSleep;

/**
 * A sender asleep in the kernel on a full queue gets the slot of a process killed while it held
 * it: the mechanism's sleeper watch sweeps the ring for dead owners while its senders sleep. The
 * sender sleeps for an hour at a time here, so only that sweep (whose recovery wakes it through
 * the ring's space sequence) can end its wait within the test's patience. Threads of one process
 * asleep on the same ring through several handles share one sweep a check: it recovers the slot
 * for them all.
 */
@Timeout(120)
class DeadClaimerWhileAsleepTest extends QueueTestSupport {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ClaimChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    @Test
    void aSenderAsleepOnAFullQueueGetsTheSlotOfAClaimerKilledMeanwhile() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("held", QueueOptions.of(64, 2));
        MessageQueue ready = queues().create("held-ready", QueueOptions.of(8, 1));
        Process child = children.startJava("holder", root, tempDir.resolve("holder.log"), "hold", "queue", "held", "40");
        assertThat(ready.receive(new byte[8], 0, 8, null, Duration.ofSeconds(60))).as(children.output(child))
                .isEqualTo(1);
        assertThat(q.trySend(new byte[] {1}, 0, 1, 1)).as("the second slot").isTrue();
        q.sliceNanos(HOUR);
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        Thread sender = BlockedCalls.start("held-sender", sent, () -> {
            q.send(new byte[] {2}, 0, 1, 1, Duration.ofMinutes(30));
            return 1;
        });
        KernelSleep.awaitAsleep(sender, -1);

        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(sent.get(60, TimeUnit.SECONDS)).as("the send got the dead claimer's slot").isOne();
        byte[] buf = new byte[64];
        MessageInfo info = new MessageInfo();
        assertThat(q.tryReceive(buf, 0, 64, info)).isEqualTo(1);
        assertThat(buf[0]).isEqualTo((byte) 1);
        assertThat(q.tryReceive(buf, 0, 64, info)).isEqualTo(1);
        assertThat(buf[0]).as("the sleeper's message, not the claimer's half-written one").isEqualTo((byte) 2);
        assertThat(q.tryReceive(buf, 0, 64, info)).isEqualTo(MessageQueue.NO_MESSAGE);
    }

    @Test
    void twoHandlesAsleepOnAFullQueueShareTheSweepThatRecoversTheSlotOfAClaimerKilledMeanwhile() throws Exception {
        QueueHandle q = (QueueHandle) queues().create("held-two", QueueOptions.of(64, 2));
        QueueHandle other = (QueueHandle) queues().open("held-two");
        MessageQueue ready = queues().create("held-two-ready", QueueOptions.of(8, 1));
        Process child = children.startJava("holder", root, tempDir.resolve("holder-two.log"), "hold", "queue",
                "held-two", "40");
        assertThat(ready.receive(new byte[8], 0, 8, null, Duration.ofSeconds(60))).as(children.output(child))
                .isEqualTo(1);
        assertThat(q.trySend(new byte[] {1}, 0, 1, 1)).as("the second slot").isTrue();
        q.sliceNanos(HOUR);
        other.sliceNanos(HOUR);
        CompletableFuture<Integer> sent = new CompletableFuture<>();
        CompletableFuture<Integer> otherSent = new CompletableFuture<>();
        Thread sender = BlockedCalls.start("held-two-sender", sent, () -> {
            q.send(new byte[] {2}, 0, 1, 1, Duration.ofMinutes(30));
            return 1;
        });
        Thread otherSender = BlockedCalls.start("held-two-other", otherSent, () -> {
            other.send(new byte[] {3}, 0, 1, 1, Duration.ofMinutes(30));
            return 1;
        });
        KernelSleep.awaitAsleep(sender, -1);
        KernelSleep.awaitAsleep(otherSender, -1);

        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(CompletableFuture.anyOf(sent, otherSent).get(60, TimeUnit.SECONDS))
                .as("a send got the dead claimer's slot").isEqualTo(1);
        byte[] buf = new byte[64];
        MessageInfo info = new MessageInfo();
        assertThat(q.tryReceive(buf, 0, 64, info)).isEqualTo(1);
        assertThat(buf[0]).isEqualTo((byte) 1);
        assertThat(sent.get(60, TimeUnit.SECONDS)).as("the first handle's send").isOne();
        assertThat(otherSent.get(60, TimeUnit.SECONDS)).as("the second handle's send").isOne();
        other.close();
    }
}
