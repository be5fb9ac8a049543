package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.MessagePort;
import org.multios.ipc.WaitStrategy;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;
import org.multios.ipc.spi.KernelSleep;

/**
 * A channel's receivers leave a priority marked after its last message (so that a sender and a
 * receiver meeting at an empty ring do not trade the bitmap's line at every message), and the
 * stale mark changes nothing a user sees: the channel reads as empty, and a receiver that sleeps
 * in the kernel over the stale mark wakes for the next message. Its slice is an hour, so a lost
 * wake-up fails the test instead of costing a slice.
 */
@Timeout(60)
class ChannelMarksTest extends ChannelTestSupport {
    private static final int SIZE = 16;
    private static final int SLOTS = 4;
    private static final int PRIORITY = 3;

    @Test
    void aReceiverSleepingOverAStaleMarkWakesForTheNextMessage() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withMaxMessages(SLOTS).withMaxMessageSize(SIZE)
                .withBufferSize(SLOTS * SIZE).withMode(0600).withWaitStrategy(WaitStrategy.BLOCK);
        ChannelHandle a = (ChannelHandle) channels().create("marks", options);
        ChannelHandle b = (ChannelHandle) channels().open("marks", ChannelSide.B);
        b.sliceNanos(TimeUnit.HOURS.toNanos(1));
        assertThat(a.trySend(new byte[SIZE], 0, SIZE, PRIORITY)).isTrue();
        assertThat(b.tryReceive(new byte[SIZE], 0, SIZE, new MessageInfo())).isEqualTo(SIZE);

        assertThat(bitmapOfTheRingToB() & (1 << PRIORITY)).as("the mark is left after the last message").isNotZero();
        assertThat(b.tryReceive(new byte[SIZE], 0, SIZE, new MessageInfo())).isEqualTo(MessagePort.NO_MESSAGE);

        Future<Integer> sleeper = inThread("marks-receive", () -> b.receive(new byte[SIZE], 0, SIZE, new MessageInfo()));
        KernelSleep.awaitAsleep(threadNamed("channel-test-marks-receive"), -1);
        byte[] message = new byte[SIZE];
        message[0] = 42;
        assertThat(a.trySend(message, 0, SIZE, PRIORITY)).isTrue();
        assertThat(sleeper.get(20, TimeUnit.SECONDS)).as("woken for the message sent over the stale mark")
                .isEqualTo(SIZE);
        a.close();
        b.close();
    }

    /** The non-empty priorities bitmap of the ring received at B, read from the channel's file. */
    private int bitmapOfTheRingToB() throws Exception {
        byte[] file = Files.readAllBytes(root.resolve("channel").resolve("marks"));
        int at = (int) ChannelDescriptor.ringOffset(ChannelSide.B, SLOTS, SIZE) + PriorityRingDescriptor.BITMAP_OFFSET;
        return ByteBuffer.wrap(file).order(ByteOrder.nativeOrder()).getInt(at);
    }
}
