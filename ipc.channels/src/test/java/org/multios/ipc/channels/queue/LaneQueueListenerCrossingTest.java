package org.multios.ipc.channels.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessagePort;
import org.multios.ipc.core.mapped.MappedRegion;
import org.multios.ipc.queue.MessageQueue;
import org.multios.ipc.queue.QueueOptions;
import org.multios.ipc.queue.QueueRegistration;

/**
 * A receiver that drains a lane queue with {@code tryReceive} (as a listener's code does) and a
 * send that crosses its last look: the message is received, or the queue's listener is told, never
 * neither. Each round the lane holds one message; the receiver takes it and looks again while
 * another thread sends a second, after a seeded spread of spins. A look that found the lane empty
 * without the fence of a watched lane read the second record's frame length before its own head
 * store was visible, while the sender read the head from before it: 75 such rounds in 500 000
 * before the fix. Runs its rounds within a budget (two spinning threads on a loaded machine).
 */
@Timeout(120)
class LaneQueueListenerCrossingTest extends QueueTestSupport {
    private static final int ROUNDS = 500_000;
    private static final long BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final int SPREAD = 16;
    /** Spins before a waiting thread yields its core to the other (two threads, maybe one core). */
    private static final int SPINS_BEFORE_YIELD = 10_000;

    @Test
    void aSendCrossingTheLastReceiveIsReceivedOrTheListenerIsTold() throws Exception {
        MessageQueue receiver = queues().create("crossing", QueueOptions.of(16, 8).withLane(true));
        MessageQueue sending = queues(context()).open("crossing");
        QueueRegistration registration = receiver.register(q -> { });
        MappedRegion region = ((QueueHandle) receiver).file().region();
        long seed = System.nanoTime();
        System.out.println("LaneQueueListenerCrossingTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        AtomicInteger round = new AtomicInteger();
        AtomicInteger sent = new AtomicInteger();
        byte[] message = new byte[8];
        Thread sender = new Thread(() -> {
            for (int i = 1; i <= ROUNDS; i++) {
                if (!await(round, i)) {
                    return;
                }
                sent.set(sending.trySend(message, 0, message.length, 0) ? i : -i);
            }
        }, "lane-crossing-sender");
        sender.setDaemon(true);
        sender.start();
        int missed = 0;
        int rounds = 0;
        byte[] into = new byte[16];
        long start = System.nanoTime();
        try {
            for (int i = 1; i <= ROUNDS && System.nanoTime() - start < BUDGET_NANOS; i++) {
                while (receiver.tryReceive(into, 0, into.length, null) != MessagePort.NO_MESSAGE) {
                    // drained
                }
                assertThat(sending.trySend(message, 0, message.length, 0)).isTrue(); // the lane holds one
                int told = region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE);
                int delay = random.nextInt(SPREAD);
                round.set(i);
                for (int d = 0; d < delay; d++) {
                    Thread.onSpinWait();
                }
                receiver.tryReceive(into, 0, into.length, null); // the first: the head moves
                int second = receiver.tryReceive(into, 0, into.length, null);
                int spins = 0;
                while (Math.abs(sent.get()) != i) {
                    if (++spins % SPINS_BEFORE_YIELD == 0) {
                        Thread.yield();
                    }
                    Thread.onSpinWait();
                }
                if (second == MessagePort.NO_MESSAGE && sent.get() == i
                        && region.getIntVolatile(QueueDescriptor.NOTIFY_SEQUENCE) == told
                        && receiver.attributes().currentMessages() == 1) {
                    missed++;
                }
                rounds = i;
            }
        } finally {
            round.set(Integer.MAX_VALUE);
            sender.join(TimeUnit.SECONDS.toMillis(30));
            registration.close();
        }
        System.out.println("LaneQueueListenerCrossingTest rounds " + rounds + ", messages left untold " + missed);
        assertThat(missed).as("rounds whose second message was neither received nor told (seed %d)", seed).isZero();
    }

    /** Waits until {@code round} reaches {@code i}; false once it passed it (the test ended). */
    private static boolean await(AtomicInteger round, int i) {
        int spins = 0;
        int now;
        while ((now = round.get()) != i) {
            if (now > i) {
                return false;
            }
            if (++spins % SPINS_BEFORE_YIELD == 0) {
                Thread.yield();
            }
            Thread.onSpinWait();
        }
        return true;
    }
}
