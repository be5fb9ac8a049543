package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.MessageInfo;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;
import org.multios.ipc.channels.ring.PriorityRingDescriptor;

/**
 * A channel keeps a byte budget only where it can bind: one whose slots cannot hold more than its
 * buffer size lays out its rings without one (its senders and receivers touch no shared bytes
 * word), and still holds no more messages than its slots; one whose slots could hold more keeps
 * the buffer size as its budget and refuses a message past it while slots are free.
 */
@Timeout(60)
class ChannelBudgetTest extends ChannelTestSupport {
    private static final int SIZE = 16;

    @Test
    void slotsThatCannotExceedTheBufferKeepNoBudgetAndStillBoundTheMessages() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withMaxMessages(4).withMaxMessageSize(SIZE)
                .withBufferSize(4 * SIZE).withMode(0600);
        try (ChannelEnd a = channels().create("slots-bound", options)) {
            for (int i = 0; i < 4; i++) {
                assertThat(a.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
            }
            assertThat(a.trySend(new byte[1], 0, 1, 0)).as("every slot holds a message").isFalse();
            assertThat(ringWord("slots-bound", 4, PriorityRingDescriptor.BYTE_BUDGET_OFFSET)).isZero();
            assertThat(ringWord("slots-bound", 4, PriorityRingDescriptor.BYTES_OFFSET))
                    .as("no bytes counted in a shared word").isZero();
        }
    }

    @Test
    void slotsThatCouldExceedTheBufferKeepItAsTheirBudget() throws Exception {
        ChannelOptions options = ChannelOptions.defaults().withMaxMessages(8).withMaxMessageSize(SIZE)
                .withBufferSize(4 * SIZE).withMode(0600);
        try (ChannelEnd a = channels().create("bytes-bound", options);
                ChannelEnd b = channels().open("bytes-bound", ChannelSide.B)) {
            for (int i = 0; i < 4; i++) {
                assertThat(a.trySend(new byte[SIZE], 0, SIZE, 0)).isTrue();
            }
            assertThat(a.trySend(new byte[1], 0, 1, 0)).as("the buffer is full, slots are not").isFalse();
            assertThat(ringWord("bytes-bound", 8, PriorityRingDescriptor.BYTE_BUDGET_OFFSET)).isEqualTo(4 * SIZE);
            assertThat(b.tryReceive(new byte[SIZE], 0, SIZE, new MessageInfo())).isEqualTo(SIZE);
            assertThat(a.trySend(new byte[SIZE], 0, SIZE, 0)).as("the bytes received are free again").isTrue();
        }
    }

    /** A word of the header of the ring received at B, read from the channel's file. */
    private long ringWord(String name, int slots, int offset) throws Exception {
        byte[] file = Files.readAllBytes(root.resolve("channel").resolve(name));
        int at = (int) ChannelDescriptor.ringOffset(ChannelSide.B, slots, SIZE) + offset;
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.nativeOrder());
        return offset == PriorityRingDescriptor.BYTES_OFFSET ? b.getLong(at) & 0xffff_ffffL : b.getInt(at);
    }
}
