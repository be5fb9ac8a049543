package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;

/**
 * Four producers and four consumers on one queue, through two bootstrap contexts (two mechanism
 * instances mapping the same file, as two processes would): every message arrives exactly once,
 * whole, and each consumer sees each sender's messages of one priority in the order sent.
 */
class QueueConcurrencyTest extends QueueTestSupport {
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int PER_PRODUCER = 250_000;
    private static final int PRIORITIES = 4;

    @Test
    @Timeout(300)
    void everyMessageOnceInOrderPerSenderAndPriority() throws Exception {
        MessageQueue producerSide = queues(context()).create("stress", QueueOptions.of(TestMessages.MAX_LENGTH, 256));
        MessageQueue consumerSide = queues(context()).open("stress");
        long total = (long) PRODUCERS * PER_PRODUCER;
        AtomicLong received = new AtomicLong();
        AtomicInteger torn = new AtomicInteger();
        AtomicInteger outOfOrder = new AtomicInteger();
        BitSet[] seen = new BitSet[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            seen[p] = new BitSet(PER_PRODUCER);
        }
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(PRODUCERS + CONSUMERS, r -> {
            Thread t = new Thread(r, "queue-stress");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                futures.add(pool.submit(() -> {
                    byte[] buf = new byte[TestMessages.MAX_LENGTH];
                    MessageInfo info = new MessageInfo();
                    long[][] last = new long[PRODUCERS][PRIORITIES];
                    for (long[] row : last) {
                        java.util.Arrays.fill(row, -1);
                    }
                    while (received.get() < total) {
                        int n;
                        try {
                            n = consumerSide.receive(buf, 0, buf.length, info, Duration.ofMillis(200));
                        } catch (org.multios.ipc.IpcException e) {
                            if (e.error() == org.multios.ipc.IpcError.TIMEOUT) {
                                continue;
                            }
                            throw e;
                        }
                        received.incrementAndGet();
                        if (!TestMessages.isWhole(buf, n)) {
                            torn.incrementAndGet();
                            continue;
                        }
                        int sender = TestMessages.sender(buf);
                        long seq = TestMessages.sequence(buf);
                        int prio = info.priority();
                        if (prio != (int) (seq % PRIORITIES) || seq <= last[sender][prio]) {
                            outOfOrder.incrementAndGet();
                        }
                        last[sender][prio] = seq;
                        synchronized (seen[sender]) {
                            if (seen[sender].get((int) seq)) {
                                duplicates.incrementAndGet();
                            }
                            seen[sender].set((int) seq);
                        }
                    }
                    return null;
                }));
            }
            for (int p = 0; p < PRODUCERS; p++) {
                int sender = p;
                futures.add(pool.submit(() -> {
                    byte[] buf = new byte[TestMessages.MAX_LENGTH];
                    for (int seq = 0; seq < PER_PRODUCER; seq++) {
                        int n = TestMessages.write(buf, sender, seq);
                        producerSide.send(buf, 0, n, seq % PRIORITIES, Duration.ofSeconds(60));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(280, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(received.get()).isEqualTo(total);
        assertThat(torn.get()).isZero();
        assertThat(duplicates.get()).isZero();
        assertThat(outOfOrder.get()).isZero();
        for (BitSet s : seen) {
            assertThat(s.cardinality()).isEqualTo(PER_PRODUCER);
        }
        assertThat(consumerSide.attributes().currentMessages()).isZero();
        assertThat(consumerSide.tryReceive(new byte[TestMessages.MAX_LENGTH], 0, TestMessages.MAX_LENGTH, null))
                .isEqualTo(org.multios.ipc.MessagePort.NO_MESSAGE);
    }
}
