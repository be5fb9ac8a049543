package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelService;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.spi.ChildProcesses;

/**
 * Issue 14 item 2 across processes: a child JVM sends through claims and this one drains in
 * place; a child SIGKILLed with a claim open (half written) is recovered as a sender killed during
 * a send: its slot (and, for a channel, its bytes of the budget) come back and nothing of its
 * message is ever received.
 */
@Timeout(180)
class CrossProcessClaimTest extends QueueTestSupport {
    private static final int COUNT = 5_000;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ClaimChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    @Test
    void aChildSendsThroughClaimsAndThisProcessDrainsInPlace() throws Exception {
        MessageQueue q = queues().create("claims", QueueOptions.of(TestMessages.MAX_LENGTH, 16));
        Process child = children.startJava("claimer", root, tempDir.resolve("claimer.log"), "claim-send", "claims", "7",
                Integer.toString(COUNT));
        byte[] buf = new byte[TestMessages.MAX_LENGTH];
        long[] last = { -1, -1, -1 };
        List<String> problems = new ArrayList<>();
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (received < COUNT && System.nanoTime() - deadline < 0) {
            int n = q.drain((m, info) -> {
                m.getBytes(0, buf, 0, m.length());
                long seq = TestMessages.sequence(buf);
                if (!TestMessages.isWhole(buf, m.length()) || TestMessages.sender(buf) != 7
                        || info.senderPid() != child.pid() || seq <= last[info.priority()] || seq % 3 != info.priority()) {
                    problems.add("message " + seq + " of " + m.length() + " bytes at priority " + info.priority());
                }
                last[info.priority()] = seq;
            }, 64);
            received += n;
            if (n == 0) {
                Thread.onSpinWait();
            }
        }
        assertThat(problems).isEmpty();
        assertThat(received).isEqualTo(COUNT);
        assertThat(children.awaitExit(child)).as(children.output(child)).isZero();
        assertThat(q.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
    }

    @Test
    void aProcessKilledWithAClaimOpenIsRecoveredLikeACrashedSend() throws Exception {
        MessageQueue q = queues().create("held", QueueOptions.of(64, 2));
        MessageQueue ready = queues().create("held-ready", QueueOptions.of(8, 1));
        Process child = children.startJava("holder", root, tempDir.resolve("holder.log"), "hold", "queue", "held", "40");
        assertThat(ready.receive(new byte[8], 0, 8, null, WAIT)).as("the child claimed a slot").isEqualTo(1);
        assertThat(q.trySend(new byte[] { 1 }, 0, 1, 1)).isTrue();
        assertThat(q.trySend(new byte[] { 2 }, 0, 1, 1)).as("the child's claim holds the other slot").isFalse();

        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(sendWithin(q, new byte[] { 2 }, 1)).as("the claimed slot was recovered").isTrue();

        List<Integer> lengths = new ArrayList<>();
        assertThat(q.drain((m, i) -> lengths.add(m.length()), 10)).isEqualTo(2);
        assertThat(lengths).as("nothing of the killed claim was delivered").containsExactly(1, 1);
    }

    @Test
    void aProcessKilledWithAClaimOpenOnAChannelGivesItsBudgetBack() throws Exception {
        ChannelService channels = context().service(ChannelService.class);
        ChannelEnd a = channels.create("heldch", ChannelOptions.ofBufferSize(256).withMaxMessageSize(200));
        ChannelEnd b = channels.open("heldch", ChannelSide.B);
        MessageQueue ready = queues().create("heldch-ready", QueueOptions.of(8, 1));
        Process child = children.startJava("holder", root, tempDir.resolve("holder.log"), "hold", "channel", "heldch",
                "200");
        assertThat(ready.receive(new byte[8], 0, 8, null, WAIT)).as("the child claimed 200 bytes").isEqualTo(1);
        assertThat(b.trySend(new byte[100], 0, 100, 1)).as("the claim holds 200 of the 256 bytes").isFalse();

        child.destroyForcibly();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        byte[] full = new byte[200];
        java.util.Arrays.fill(full, (byte) 7);
        assertThat(sendWithin(b, full, 1)).as("the claimed bytes were recovered").isTrue();

        List<Integer> got = new ArrayList<>();
        assertThat(a.drain((m, i) -> got.add(m.length() * 1000 + m.getByte(199)), 10)).isEqualTo(1);
        assertThat(got).containsExactly(200_007);
    }

    /** Tries to send until it succeeds or {@link #WAIT} passed (a sender finding no room sweeps for dead owners). */
    private static boolean sendWithin(MessagePort port, byte[] message, int priority) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (port.trySend(message, 0, message.length, priority)) {
                return true;
            }
            Thread.yield();
        }
        return false;
    }
}
