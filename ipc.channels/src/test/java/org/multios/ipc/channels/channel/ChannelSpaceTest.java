package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.IpcError;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.spi.KernelSleep;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;

/**
 * Issue #21 item 5: a channel sender that sleeps for space wakes when space is freed by any
 * path, here a message the receiver drops as corrupt (its length overwritten by another
 * process), not only by a message received. The sender's slice is an hour long, so a missed
 * signal fails the test instead of costing a slice.
 */
@Timeout(60)
class ChannelSpaceTest extends ChannelTestSupport {
    private static final int SIZE = 16;

    @Test
    void aSenderSleepingForSpaceWakesWhenACorruptMessageIsDropped() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withMaxMessages(1).withMaxMessageSize(SIZE)
                .withBufferSize(4 * SIZE).withMode(0600);
        ChannelHandle a = (ChannelHandle) channels().create("space", options);
        ChannelHandle b = (ChannelHandle) channels().open("space", ChannelSide.B);
        a.sliceNanos(TimeUnit.HOURS.toNanos(1));
        assertThat(a.trySend(new byte[SIZE], 0, SIZE, 1)).isTrue();
        Future<Boolean> blocked = inThread("space-send", () -> {
            a.send(new byte[SIZE], 0, SIZE, 2);
            return true;
        });
        KernelSleep.awaitAsleep(threadNamed("channel-test-space-send"), -1);

        overwriteLengthOfTheMessageToB(4 * SIZE);
        failsWith(IpcError.CORRUPTED, () -> b.receive(new byte[SIZE], 0, SIZE, new MessageInfo()));
        assertThat(blocked.get(20, TimeUnit.SECONDS)).as("the sender woke for the slot the drop freed").isTrue();
        assertThat(b.receive(new byte[SIZE], 0, SIZE, new MessageInfo())).isEqualTo(SIZE);
    }

    /** As another process could: the length word of the one slot of the ring received at B. */
    private void overwriteLengthOfTheMessageToB(int length) throws Exception {
        long at = ChannelDescriptor.ringOffset(ChannelSide.B, 1, SIZE) + PriorityRingDescriptor.slotsOffset(1)
                + PriorityRingDescriptor.SLOT_LENGTH_OFFSET;
        try (FileChannel ch = FileChannel.open(root.resolve("channel").resolve("space"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_WRITE, 0, at + 4);
            m.order(ByteOrder.nativeOrder()).putInt((int) at, length);
            m.force();
        }
    }
}
