package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;

/**
 * A queue's handles count the messages and bytes they send and receive in counter slots of the
 * queue's file ({@link QueueDescriptor#COUNTERS_OF_HANDLES}), not in its shared counters: the
 * counts read exact on every path (copies, claims, batches, drains) however many handles and
 * threads count (handles beyond the slots count in the shared counters), a listing that reads only
 * the file's header sums them, and a closed handle's slot is given back with its counts kept.
 */
@Timeout(120)
class QueueCounterSlotsTest extends QueueTestSupport {
    private static final int SIZE = 8;

    private static long counter(MessageQueue q, Counter c) {
        return q.info().statistics().get(c);
    }

    /** The shared counter at {@code offset}, read from the queue's file. */
    private long shared(String name, int offset) throws Exception {
        byte[] file = Files.readAllBytes(root.resolve("queue").resolve(name));
        return ByteBuffer.wrap(file).order(ByteOrder.nativeOrder()).getLong(offset);
    }

    private void assertSharedCountersZero(String name) throws Exception {
        for (int offset : new int[] { QueueDescriptor.MESSAGES_IN, QueueDescriptor.MESSAGES_OUT,
            QueueDescriptor.BYTES_IN, QueueDescriptor.BYTES_OUT }) {
            assertThat(shared(name, offset)).as("shared counter at %d", offset).isZero();
        }
    }

    @Test
    void handlesCountInTheirOwnSlotsOnEveryPathAndLeaveTheSharedCountersAlone() throws Exception {
        QueueHandle sender = (QueueHandle) queues().create("own", QueueOptions.of(64, 64));
        QueueHandle receiver = (QueueHandle) queues().open("own");
        assertThat(sender.counterSlot()).isNotEqualTo(CounterSlots.NONE);
        assertThat(receiver.counterSlot()).isNotEqualTo(CounterSlots.NONE).isNotEqualTo(sender.counterSlot());
        byte[] buf = new byte[64];
        for (int i = 0; i < 1000; i++) {
            assertThat(sender.trySend(buf, 0, SIZE, 1)).isTrue();
            assertThat(receiver.tryReceive(buf, 0, buf.length, new MessageInfo())).isEqualTo(SIZE);
        }
        for (int i = 0; i < 10; i++) { // in place: claims committed, a batch, a drain
            sender.tryClaim(SIZE, 2).commit();
        }
        ByteBuffer[] batch = new ByteBuffer[5];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ByteBuffer.allocate(SIZE);
        }
        assertThat(sender.trySend(batch, 0, batch.length, 0)).isEqualTo(5);
        assertThat(receiver.drain((view, info) -> { }, 100)).isEqualTo(15);

        assertThat(counter(receiver, Counter.MESSAGES_IN)).isEqualTo(1015);
        assertThat(counter(receiver, Counter.MESSAGES_OUT)).isEqualTo(1015);
        assertThat(counter(sender, Counter.BYTES_IN)).isEqualTo(1015 * SIZE);
        assertThat(counter(sender, Counter.BYTES_OUT)).isEqualTo(1015 * SIZE);
        assertThat(counter(receiver, Counter.HIGH_WATER_MARK)).as("the depth mark kept from the ring").isEqualTo(15);
        assertSharedCountersZero("own");

        assertThat(receiver.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
        assertThat(sender.trySend(buf, 0, SIZE, 1)).isTrue();
        // a listing (ipc:objects, ipc-stat) reads a copy of the file's header
        assertThat(context().runtime().objects()).anySatisfy(o -> {
            assertThat(o.type()).isEqualTo(ObjectType.QUEUE);
            assertThat(o.name()).contains("own");
            assertThat(o.statistics().get(Counter.MESSAGES_IN)).isEqualTo(1016);
            assertThat(o.statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1015);
            assertThat(o.statistics().get(Counter.BYTES_IN)).isEqualTo(1016 * SIZE);
            assertThat(o.statistics().get(Counter.DEPTH)).isEqualTo(1);
        });
    }

    @Test
    void countsStayExactWithMoreHandlesThanSlotsAndSeveralThreadsPerHandle() throws Exception {
        long seed = System.nanoTime();
        System.out.println("QueueCounterSlotsTest seed " + seed);
        int extra = 2;
        MessageQueue receiver = queues().create("many", QueueOptions.of(64, 256));
        List<QueueHandle> senders = new ArrayList<>();
        for (int i = 1; i < QueueDescriptor.COUNTER_SLOT_COUNT + extra; i++) {
            senders.add((QueueHandle) queues().open("many"));
        }
        assertThat(senders.stream().filter(h -> h.counterSlot() == CounterSlots.NONE).count())
                .as("handles beyond the slots").isEqualTo(extra);
        int threads = 4;
        int rounds = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> new Thread(r, "queue-counter-sender"));
        try {
            List<Future<long[]>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SplittableRandom random = new SplittableRandom(seed + t);
                done.add(pool.submit(() -> {
                    long[] sentBy = new long[senders.size() + 1]; // per handle, then bytes
                    byte[] buf = new byte[64];
                    for (int i = 0; i < rounds; i++) {
                        int h = random.nextInt(senders.size());
                        int len = 1 + random.nextInt(64);
                        senders.get(h).send(buf, 0, len, 0, Duration.ofSeconds(30));
                        sentBy[h]++;
                        sentBy[senders.size()] += len;
                    }
                    return sentBy;
                }));
            }
            long received = 0;
            long receivedBytes = 0;
            byte[] buf = new byte[64];
            while (received < (long) threads * rounds) {
                receivedBytes += receiver.receive(buf, 0, buf.length, null, Duration.ofSeconds(30));
                received++;
            }
            long[] sentBy = new long[senders.size() + 1];
            for (Future<long[]> f : done) {
                long[] r = f.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < r.length; i++) {
                    sentBy[i] += r[i];
                }
            }
            long unslotted = 0;
            for (int h = 0; h < senders.size(); h++) {
                if (senders.get(h).counterSlot() == CounterSlots.NONE) {
                    unslotted += sentBy[h];
                }
            }
            assertThat(counter(receiver, Counter.MESSAGES_IN)).isEqualTo(received);
            assertThat(counter(receiver, Counter.MESSAGES_OUT)).isEqualTo(received);
            assertThat(counter(receiver, Counter.BYTES_IN)).isEqualTo(sentBy[senders.size()]).isEqualTo(receivedBytes);
            assertThat(counter(receiver, Counter.BYTES_OUT)).isEqualTo(receivedBytes);
            assertThat(shared("many", QueueDescriptor.MESSAGES_IN))
                    .as("the shared counter holds what the handles without a slot sent").isEqualTo(unslotted);
            assertThat(shared("many", QueueDescriptor.MESSAGES_OUT)).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedHandleGivesItsSlotBackWithItsCounts() throws Exception {
        MessageQueue receiver = queues().create("reuse", QueueOptions.of(64, 16));
        QueueHandle second = (QueueHandle) queues().open("reuse");
        int slot = second.counterSlot();
        CounterSlots slots = QueueDescriptor.COUNTERS_OF_HANDLES;
        assertThat(slot).isNotEqualTo(CounterSlots.NONE);
        assertThat(second.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
        assertThat(slots.held(second.file().region(), slot)).isTrue();
        second.close();
        QueueHandle third = (QueueHandle) queues().open("reuse");
        assertThat(third.counterSlot()).as("the slot given back").isEqualTo(slot);
        assertThat(third.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
        assertThat(counter(receiver, Counter.MESSAGES_IN)).as("the closed handle's count kept").isEqualTo(2);
        assertThat(slots.sumOf(third.file().region(), slot, HandleCounters.SENT_MESSAGES)).isEqualTo(2);
        assertSharedCountersZero("reuse");
    }
}
