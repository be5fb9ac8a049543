package org.multios.ipc.channels.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.ProcessKind;
import org.multios.ipc.core.mapped.MappedRegion;

/**
 * Issue #21 item 5, in the ring: a thread of a live process that throws between claiming a slot
 * and releasing it (a hook that throws at each step) gives the slot back at once, so the next
 * send and receive of its own process neither wait for it nor find the capacity or the budget
 * short; and a sender whose message lands while a receiver clears its priority (the receiver
 * paused in that window) still has the ring's "became non-empty" reported, by the receiver.
 */
@Timeout(30)
class PriorityRingWindowTest {
    private static final long BASE = 128;
    private static final int CAPACITY = 4;
    private static final int SIZE = 16;
    private static final int BUDGET = 4 * SIZE;
    private static final long SENDER = PriorityRing.sender(ProcessKind.OS_PROCESS, 1);

    @TempDir
    Path dir;

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static final class Thrown extends RuntimeException {
        Thrown() {
            super("thrown by the test hook", null, false, false);
        }
    }

    @ParameterizedTest(name = "throws at step {0}")
    @ValueSource(ints = { 1, 2, 3, 4, 5, 6, 7, 8, 9 })
    void aSlotHeldByAThreadThatThrowsIsGivenBackAtOnce(int step) throws IOException {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE, BUDGET);
        long span = PriorityRingDescriptor.length(CAPACITY, SIZE);
        PriorityRing ring = PriorityRing.attach(region, BASE, span, "ring");
        PriorityRing throwing = PriorityRing.attach(region, BASE, span, "ring", s -> {
            if (s == step) {
                throw new Thrown();
            }
        }, null);
        byte[] msg = message(7);
        boolean stays;
        if (step <= RingSteps.PUBLISHED) {
            assertThatThrownBy(() -> throwing.offer(msg, 0, SIZE, 3, SENDER, 1)).isInstanceOf(Thrown.class);
            stays = step == RingSteps.PUBLISHED;
        } else {
            assertThat(ring.offer(msg, 0, SIZE, 3, SENDER, 1)).isGreaterThanOrEqualTo(0);
            assertThatThrownBy(() -> throwing.poll(new byte[SIZE], 0, SIZE, null)).isInstanceOf(Thrown.class);
            stays = step == RingSteps.MESSAGE_CLAIMED; // not taken yet; later steps had taken it
        }
        byte[] buf = new byte[SIZE];
        MessageInfo info = new MessageInfo();
        if (stays) {
            assertThat(ring.poll(buf, 0, SIZE, info)).as("the message it had published or not yet taken")
                    .isEqualTo(SIZE);
            assertThat(buf).isEqualTo(msg);
        }
        assertThat(ring.poll(buf, 0, SIZE, info)).isEqualTo(RingStatus.EMPTY);
        assertThat(ring.bytesQueued()).as("bytes of the slot given back").isZero();
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(ring.offer(message(i), 0, SIZE, i % 2, SENDER, 1)).as("send %d of the full capacity, "
                    + "first try", i).isGreaterThanOrEqualTo(0);
        }
        assertThat(ring.bytesQueued()).isEqualTo(BUDGET);
        for (int i = 0; i < CAPACITY; i++) {
            assertThat(ring.poll(buf, 0, SIZE, info)).isEqualTo(SIZE);
        }
        assertThat(ring.poll(buf, 0, SIZE, info)).isEqualTo(RingStatus.EMPTY);
    }

    @Test
    void aMessageSentWhileAReceiverClearsItsPriorityIsReportedAsMakingTheRingNonEmpty() throws Exception {
        MappedRegion region = region();
        PriorityRing.initialize(region, BASE, CAPACITY, SIZE, BUDGET);
        long span = PriorityRingDescriptor.length(CAPACITY, SIZE);
        AtomicInteger becameNonEmpty = new AtomicInteger();
        CountDownLatch emptySeen = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        PriorityRing sender = PriorityRing.attach(region, BASE, span, "ring", null,
                r -> becameNonEmpty.incrementAndGet());
        PriorityRing receiver = PriorityRing.attach(region, BASE, span, "ring", s -> {
            if (s == RingSteps.EMPTY_SEEN && emptySeen.getCount() > 0) {
                emptySeen.countDown();
                await(goOn);
            }
        }, r -> becameNonEmpty.incrementAndGet());

        assertThat(sender.offer(message(1), 0, SIZE, 5, SENDER, 1)).isEqualTo(RingStatus.SENT_TO_EMPTY);
        assertThat(becameNonEmpty).hasValue(1);
        Future<Integer> take = threads.submit(() -> receiver.poll(new byte[SIZE], 0, SIZE, null));
        await(emptySeen); // took the only message, found priority 5 empty, has not cleared its bit yet
        assertThat(sender.offer(message(2), 0, SIZE, 5, SENDER, 1)).as("the bit was still set")
                .isEqualTo(RingStatus.SENT);
        goOn.countDown();
        assertThat(take.get(20, TimeUnit.SECONDS)).isEqualTo(SIZE);
        assertThat(becameNonEmpty).as("the receiver that set the bit again reported the ring non-empty")
                .hasValue(2);
        assertThat(receiver.isEmpty()).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("latch not reached");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static byte[] message(int seed) {
        byte[] b = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }

    private MappedRegion region() throws IOException {
        long length = BASE + PriorityRingDescriptor.length(CAPACITY, SIZE);
        return TestRegions.created(dir.resolve("ring"), length);
    }
}
