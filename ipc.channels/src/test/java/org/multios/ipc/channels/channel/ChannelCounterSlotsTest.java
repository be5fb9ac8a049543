package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.multios.ipc.Counter;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.ObjectType;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.HandleCounters;
import org.multios.ipc.core.step.CounterSlots;
import org.multios.ipc.spi.ChildProcesses;

/**
 * A channel's handles count the messages and bytes they send and receive in counter slots of
 * their end ({@link ChannelDescriptor#counters}), not in the shared counters: the counts read
 * exact from either end however many handles and threads count (handles beyond the slots count
 * in the shared counters), a closed handle's slot is given back with its counts kept, and the
 * slot of a SIGKILLed process is taken over with what it counted.
 */
@Timeout(120)
class ChannelCounterSlotsTest extends ChannelTestSupport {
    private static final int SIZE = 8;

    @RegisterExtension
    final ChildProcesses children = new ChildProcesses(ChannelChildMain.class);

    @AfterEach
    void stopChildren() throws InterruptedException {
        children.destroyAll();
    }

    private static ChannelOptions options(int maxMessages) {
        return ChannelOptions.defaults().withMaxMessages(maxMessages).withMaxMessageSize(64)
                .withBufferSize(maxMessages * 64).withMode(0600);
    }

    private static long counter(ChannelEnd end, Counter c) {
        return end.info().statistics().get(c);
    }

    /** The shared counter at {@code offset} of the direction received at {@code receiver}, read from the file. */
    private long shared(String name, ChannelSide receiver, int offset) throws Exception {
        byte[] file = Files.readAllBytes(root.resolve("channel").resolve(name));
        return ByteBuffer.wrap(file).order(ByteOrder.nativeOrder())
                .getLong(ChannelDescriptor.direction(receiver) + offset);
    }

    @Test
    void handlesCountInTheirOwnSlotsOnEveryPathAndLeaveTheSharedCountersAlone() throws Exception {
        ChannelHandle a = (ChannelHandle) channels().create("own", options(64));
        ChannelHandle b = (ChannelHandle) channels().open("own", ChannelSide.B);
        assertThat(a.counterSlot()).isNotEqualTo(CounterSlots.NONE);
        assertThat(b.counterSlot()).isNotEqualTo(CounterSlots.NONE);
        byte[] buf = new byte[64];
        for (int i = 0; i < 1000; i++) {
            assertThat(a.trySend(buf, 0, SIZE, 1)).isTrue();
            assertThat(b.tryReceive(buf, 0, buf.length, new MessageInfo())).isEqualTo(SIZE);
        }
        for (int i = 0; i < 10; i++) { // in place: a claim committed, a batch, a drain
            var claim = a.tryClaim(SIZE, 2);
            claim.commit();
        }
        ByteBuffer[] batch = new ByteBuffer[5];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ByteBuffer.allocate(SIZE);
        }
        assertThat(a.trySend(batch, 0, batch.length, 0)).isEqualTo(5);
        assertThat(b.drain((view, info) -> { }, 100)).isEqualTo(15);

        assertThat(counter(b, Counter.MESSAGES_IN)).isEqualTo(1015);
        assertThat(counter(b, Counter.MESSAGES_OUT)).isEqualTo(1015);
        assertThat(counter(b, Counter.BYTES_IN)).isEqualTo(1015 * SIZE);
        assertThat(counter(b, Counter.BYTES_OUT)).isEqualTo(1015 * SIZE);
        assertThat(counter(a, Counter.MESSAGES_IN)).isZero();
        assertThat(counter(b, Counter.HIGH_WATER_MARK)).as("the depth mark kept from the ring").isEqualTo(15);
        for (int offset : new int[] { ChannelDescriptor.MESSAGES_IN, ChannelDescriptor.MESSAGES_OUT,
            ChannelDescriptor.BYTES_IN, ChannelDescriptor.BYTES_OUT }) {
            assertThat(shared("own", ChannelSide.B, offset)).as("shared counter +%d", offset).isZero();
        }
        assertThat(b.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
        assertThat(a.trySend(buf, 0, SIZE, 1)).isTrue();
        // a listing (ipc:objects, ipc-stat) reads a copy of the file's header, both directions summed
        assertThat(context().runtime().objects()).anySatisfy(o -> {
            assertThat(o.type()).isEqualTo(ObjectType.CHANNEL);
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
        System.out.println("ChannelCounterSlotsTest seed " + seed);
        int extra = 2;
        List<ChannelHandle> senders = new ArrayList<>();
        senders.add((ChannelHandle) channels().create("many", options(1024)));
        for (int i = 1; i < ChannelDescriptor.COUNTER_SLOTS_PER_END + extra; i++) {
            senders.add((ChannelHandle) channels().open("many", ChannelSide.A));
        }
        assertThat(senders.stream().filter(h -> h.counterSlot() == CounterSlots.NONE).count())
                .as("handles beyond the slots").isEqualTo(extra);
        ChannelEnd receiver = channels().open("many", ChannelSide.B);
        int threads = 4;
        int rounds = 5_000;
        List<Future<long[]>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            SplittableRandom random = new SplittableRandom(seed + t);
            done.add(inThread("send-" + t, () -> {
                long[] sentBy = new long[senders.size() + 1]; // per handle, then bytes
                byte[] buf = new byte[64];
                for (int i = 0; i < rounds; i++) {
                    int h = random.nextInt(senders.size());
                    int len = 1 + random.nextInt(64);
                    senders.get(h).send(buf, 0, len, 0, java.time.Duration.ofSeconds(30));
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
            int n = receiver.receive(buf, 0, buf.length, null, java.time.Duration.ofSeconds(30));
            received++;
            receivedBytes += n;
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
        assertThat(shared("many", ChannelSide.B, ChannelDescriptor.MESSAGES_IN))
                .as("the shared counter holds what the handles without a slot sent").isEqualTo(unslotted);
        assertThat(shared("many", ChannelSide.B, ChannelDescriptor.MESSAGES_OUT)).isZero();

        for (ChannelHandle h : senders.subList(1, senders.size())) {
            h.close();
        }
        ChannelEnd again = channels().open("many", ChannelSide.B);
        assertThat(counter(again, Counter.MESSAGES_IN)).as("closed handles' counts stay").isEqualTo(received);
    }

    @Test
    void aClosedHandleGivesItsSlotBackWithItsCounts() {
        ChannelHandle a = (ChannelHandle) channels().create("reuse", options(16));
        ChannelHandle second = (ChannelHandle) channels().open("reuse", ChannelSide.A);
        ChannelEnd b = channels().open("reuse", ChannelSide.B);
        int slot = second.counterSlot();
        CounterSlots slots = ChannelDescriptor.counters(ChannelSide.A);
        assertThat(slot).isNotEqualTo(CounterSlots.NONE);
        assertThat(second.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
        assertThat(slots.held(second.region(), slot)).isTrue();
        second.close();
        assertThat(slots.held(a.region(), slot)).isFalse();
        assertThat(counter(b, Counter.MESSAGES_IN)).isEqualTo(1);
        ChannelHandle third = (ChannelHandle) channels().open("reuse", ChannelSide.A);
        assertThat(third.counterSlot()).isEqualTo(slot);
        assertThat(third.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
        assertThat(counter(b, Counter.MESSAGES_IN)).isEqualTo(2);
        assertThat(slots.sumOf(a.region(), slot, HandleCounters.SENT_MESSAGES)).isEqualTo(2);
    }

    @Test
    void theSlotOfAKilledProcessIsTakenOverWithItsCounts() throws Exception {
        ChannelHandle a = (ChannelHandle) channels().create("killed", options(64));
        ChannelEnd b = channels().open("killed", ChannelSide.B);
        CounterSlots slots = ChannelDescriptor.counters(ChannelSide.A);
        int childSlot = a.counterSlot() + 1;
        Process child = children.startJava("hold", root, tempDir.resolve("hold.log"), "hold", "killed", "20");
        children.awaitLine(child, "sent");
        assertThat(slots.held(a.region(), childSlot)).isTrue();
        assertThat(counter(b, Counter.MESSAGES_IN)).isEqualTo(20);
        ChannelHandle full = (ChannelHandle) channels().open("killed", ChannelSide.A);
        assertThat(full.counterSlot()).as("both slots held by live processes").isEqualTo(CounterSlots.NONE);
        full.close();

        children.kill(child);
        ChannelHandle heir = (ChannelHandle) channels().open("killed", ChannelSide.A);
        assertThat(heir.counterSlot()).as("the dead process's slot").isEqualTo(childSlot);
        assertThat(heir.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
        assertThat(counter(b, Counter.MESSAGES_IN)).isEqualTo(21);
        assertThat(counter(b, Counter.BYTES_IN)).isEqualTo(21 * SIZE);
        assertThat(shared("killed", ChannelSide.B, ChannelDescriptor.MESSAGES_IN)).isZero();
        byte[] buf = new byte[64];
        for (int i = 0; i < 21; i++) {
            assertThat(b.tryReceive(buf, 0, buf.length, null)).isEqualTo(SIZE);
        }
        assertThat(b.tryReceive(buf, 0, buf.length, null)).isEqualTo(MessagePort.NO_MESSAGE);
        assertThat(counter(b, Counter.MESSAGES_OUT)).isEqualTo(21);
    }
}
