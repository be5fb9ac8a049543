package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageBuffer;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessageHandler;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;

/**
 * Issue 14: the hot paths allocate nothing per message, counted by the JVM for this thread
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}), which is exact and
 * independent of load and timing: after a warm-up, a hundred thousand messages through claims
 * and drains, batches, and the copying send and receive together allocate less than a single
 * small object per thousand messages (what remains is the JVM's own, such as a JIT deoptimization).
 */
@Timeout(120)
class InPlaceAllocationTest extends ChannelTestSupport {
    private static final int ROUNDS = 100_000;

    @ParameterizedTest(name = "lanes {0}")
    @ValueSource(booleans = { false, true })
    void claimsDrainsBatchesAndCopiesAllocateNothingPerMessage(boolean lanes) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Channel ch = channels().create(ChannelOptions.ofBufferSize(64 * 1024).withMaxMessageSize(64).withLane(lanes))) {
            Traffic traffic = new Traffic(ch.endA(), ch.endB());
            traffic.run(ROUNDS); // warm-up: thread-local claims and views are made, code compiled
            long before = threads.getCurrentThreadAllocatedBytes();
            traffic.run(ROUNDS);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            System.out.printf("%d rounds (5 messages each) allocated %d bytes%n", ROUNDS, allocated);
            assertThat(traffic.received).isEqualTo(2L * ROUNDS * 5);
            assertThat(allocated).as("bytes allocated for %d messages", ROUNDS * 5L).isLessThan(ROUNDS / 1000 * 16L);
        }
    }

    @ParameterizedTest(name = "lanes {0}")
    @ValueSource(booleans = { false, true })
    void aSpinningClaimerAndADrainerInTwoThreadsAllocateNothingPerMessage(boolean lanes) throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Channel ch = channels().create(ChannelOptions.ofBufferSize(64 * 64).withMaxMessageSize(64).withLane(lanes))) {
            long[] allocated = new long[2];
            long[] moved = new long[2];
            Thread sender = new Thread(() -> {
                byte[] message = new byte[64];
                for (int phase = 0; phase < 2; phase++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    for (int i = 0; i < ROUNDS; ) {
                        MessageClaim claim = ch.endA().tryClaim(64, 0);
                        if (claim == null) {
                            Thread.onSpinWait();
                            continue;
                        }
                        claim.putBytes(0, message, 0, 64);
                        claim.commit();
                        i++;
                    }
                    allocated[0] = threads.getCurrentThreadAllocatedBytes() - before;
                }
            }, "alloc-claimer");
            Thread receiver = new Thread(() -> {
                long[] sum = new long[1];
                MessageHandler reader = (m, info) -> sum[0] += m.getLong(56);
                for (int phase = 0; phase < 2; phase++) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    long got = 0;
                    while (got < ROUNDS) {
                        // no more than the phase still needs: the claimer goes on with the next phase's
                        // messages, and one taken early would be missing at the end of the last phase
                        int n = ch.endB().drain(reader, (int) Math.min(64, ROUNDS - got));
                        if (n == 0) {
                            Thread.onSpinWait();
                        }
                        got += n;
                    }
                    allocated[1] = threads.getCurrentThreadAllocatedBytes() - before;
                    moved[1] += got;
                }
            }, "alloc-drainer");
            sender.start();
            receiver.start();
            sender.join(TimeUnit.SECONDS.toMillis(100));
            receiver.join(TimeUnit.SECONDS.toMillis(100));
            System.out.printf("claimer allocated %d bytes, drainer %d bytes for %d messages%n", allocated[0],
                    allocated[1], ROUNDS);
            assertThat(moved[1]).isEqualTo(2L * ROUNDS);
            assertThat(allocated[0]).as("claimer").isLessThan(ROUNDS / 1000 * 16L);
            assertThat(allocated[1]).as("drainer").isLessThan(ROUNDS / 1000 * 16L);
        }
    }

    /** One round: a claim, a batch of two, a copying send; a drain and a copying receive. */
    private static final class Traffic implements MessageHandler {
        final ChannelEnd a;
        final ChannelEnd b;
        final byte[] message = new byte[64];
        final byte[] into = new byte[64];
        final ByteBuffer[] batch = { ByteBuffer.allocate(64), ByteBuffer.allocateDirect(64) };
        final MessageInfo info = new MessageInfo();
        long received;
        long sum;

        Traffic(ChannelEnd a, ChannelEnd b) {
            this.a = a;
            this.b = b;
        }

        void run(int rounds) {
            for (int i = 0; i < rounds; i++) {
                MessageClaim claim = a.tryClaim(64, i & 31);
                claim.putLong(0, i);
                claim.putBytes(8, message, 8, 56);
                claim.commit();
                batch[0].clear();
                batch[1].clear();
                a.trySend(batch, 0, 2, 3);
                a.trySend(message, 0, 64, 1);
                a.tryClaim(8, 2).abort();
                received += b.drain(this, 3);
                received += b.tryReceive(into, 0, into.length, info) >= 0 ? 1 : 0;
                b.trySend(message, 0, 64, 0);
                if (b.drain(this, 8) != 0) {
                    throw new AssertionError("B received its own message");
                }
                received += a.tryReceive(this) ? 1 : 0;
            }
        }

        @Override
        public void onMessage(MessageBuffer m, MessageInfo i) {
            sum += m.getLong(0) + i.priority();
        }
    }
}
