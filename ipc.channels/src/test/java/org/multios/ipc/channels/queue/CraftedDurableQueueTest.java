package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.MessageQueueService;
import org.multios.ipc.queue.QueueDurability;
import org.multios.ipc.queue.QueueOptions;

/**
 * A durable queue's file crafted before its first open after a restart (another boot id, so that
 * {@link RestartRecovery} runs): random words of its header and ring set to -1, the largest long,
 * small numbers, owner-like values or random bits, one file in ten cut short. Each open, receive
 * and send must end within 10 s with a result or an IpcException (CORRUPTED), nothing else. The
 * seed is printed (-Dcrafted.seed repeats a run).
 */
@Timeout(300)
class CraftedDurableQueueTest extends QueueTestSupport {
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

    @Test
    void everyCraftedFileOpensOrIsRefusedWithinItsBound() throws Exception {
        long seed = Long.getLong("crafted.seed", System.nanoTime());
        System.out.println("seed " + seed);
        Random r = new Random(seed);
        List<String> odd = new ArrayList<>();
        java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
        for (int i = 0; i < 200; i++) {
            String name = "d" + i;
            MessageQueueService qs = queues();
            try (MessageQueue q = qs.create(name, QueueOptions.of(64, 8).withDurability(QueueDurability.OS))) {
                for (int k = 0; k < 3; k++) {
                    q.send(new byte[] {1, 2, 3}, 0, 3, k);
                }
            }
            Path file = durable.resolve("queue").resolve(name);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
                b.putLong(r.nextLong()).putLong(r.nextLong()).flip();
                ch.write(b, QueueDescriptor.BOOT_ID);
                int words = 1 + r.nextInt(i % 3 == 0 ? 4 : 16);
                for (int w = 0; w < words; w++) {
                    long at = (i % 4 == 1 ? 64 : QueueDescriptor.RING_OFFSET) + 8L * r.nextInt((int) ((size - QueueDescriptor.RING_OFFSET) / 8));
                    long v = switch (r.nextInt(5)) {
                        case 0 -> -1L;
                        case 1 -> Long.MAX_VALUE;
                        case 2 -> r.nextInt(64);
                        case 3 -> ((long) r.nextInt(100000) << 32) | r.nextInt(1000);
                        default -> r.nextLong();
                    };
                    ByteBuffer one = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(v);
                    one.flip();
                    ch.write(one, at);
                }
                if (i % 10 == 9) {
                    ch.truncate(QueueDescriptor.RING_OFFSET + r.nextInt((int) (size - QueueDescriptor.RING_OFFSET)));
                }
            }
            final int iteration = i;
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                    try (MessageQueue q = queues().open(name)) {
                        byte[] buf = new byte[64];
                        MessageInfo info = new MessageInfo();
                        for (int k = 0; k < 12; k++) {
                            if (q.tryReceive(buf, 0, 64, info) < 0) {
                                break;
                            }
                        }
                        for (int k = 0; k < 12; k++) {
                            if (!q.trySend(buf, 0, 8, k % 32)) {
                                break;
                            }
                        }
                        q.receive(buf, 0, 64, info, Duration.ofMillis(50));
                    } catch (IpcException e) {
                        synchronized (outcomes) {
                            outcomes.merge(e.error().name(), 1, Integer::sum);
                        }
                        return;
                    }
                    synchronized (outcomes) {
                        outcomes.merge("OK", 1, Integer::sum);
                    }
                });
            } catch (Throwable t) {
                odd.add("iteration " + iteration + ": " + t);
                t.printStackTrace(System.out);
            }
        }
        System.out.println("outcomes " + outcomes + "; odd: " + odd.size());
        assertThat(odd).as("seed %d, outcomes %s", seed, outcomes).isEmpty();
    }
}
