package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;

/**
 * Issue 14: a queue's sends and receives, copying and in place, allocate nothing per message
 * (counted exactly by the JVM for this thread, after a warm-up).
 */
@Timeout(120)
class QueueAllocationTest extends QueueTestSupport {
    private static final int ROUNDS = 100_000;

    @Test
    void sendsReceivesClaimsAndDrainsAllocateNothingPerMessage() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MessageQueue q = queues().create("alloc", QueueOptions.of(64, 16));
        byte[] message = new byte[64];
        byte[] into = new byte[64];
        MessageInfo info = new MessageInfo();
        long[] sum = new long[1];
        MessageHandler reader = (MessageBuffer m, MessageInfo i) -> sum[0] += m.getLong(0);
        long before = 0;
        for (int phase = 0; phase < 2; phase++) {
            before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < ROUNDS; i++) {
                MessageClaim claim = q.tryClaim(64, i & 7);
                claim.putLong(0, i);
                claim.commit();
                q.trySend(message, 0, 64, 3);
                assertTrue(q.tryReceive(into, 0, into.length, info) == 64);
                assertTrue(q.drain(reader, 4) == 1);
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        System.out.printf("%d rounds (2 messages each) allocated %d bytes%n", ROUNDS, allocated);
        assertThat(allocated).as("bytes allocated for %d messages", 2L * ROUNDS).isLessThan(ROUNDS / 1000 * 16L);
    }

    private static void assertTrue(boolean ok) {
        if (!ok) {
            throw new AssertionError("a message went missing");
        }
    }
}
