package org.multios.ipc.channels.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multios.ipc.Counter;
import org.multios.ipc.IpcError;
import org.multios.ipc.IpcException;
import org.multios.ipc.MessageClaim;
import org.multios.ipc.MessagePort;
import org.multios.ipc.channel.Channel;
import org.multios.ipc.channel.ChannelEnd;
import org.multios.ipc.channel.ChannelOptions;
import org.multios.ipc.channel.ChannelSide;

/**
 * Issue 14 item 2 for channels: claims and drains go in the direction of the end used, keep
 * the byte budget of that direction, and follow an anonymous channel's end closing for good as
 * sends and receives do.
 */
@Timeout(60)
class ChannelClaimTest extends ChannelTestSupport {

    @Test
    void claimsAtEachEndAreDrainedAtTheOther() {
        try (Channel ch = channels().create(kind(ChannelOptions.ofBufferSize(1024)))) {
            MessageClaim toB = ch.endA().tryClaim(8, 3);
            toB.putLong(0, 11);
            toB.commit();
            MessageClaim toA = ch.endB().tryClaim(8, 4);
            toA.putLong(0, 22);
            toA.commit();

            List<Long> atB = new ArrayList<>();
            List<Long> atA = new ArrayList<>();
            assertThat(ch.endA().drain((m, info) -> atA.add(m.getLong(0) * 100 + info.priority()), 5)).isEqualTo(1);
            assertThat(ch.endB().drain((m, info) -> atB.add(m.getLong(0) * 100 + info.priority()), 5)).isEqualTo(1);
            assertThat(atA).containsExactly(2204L);
            assertThat(atB).containsExactly(1103L);
            assertThat(ch.endB().info().statistics().get(Counter.MESSAGES_IN)).isEqualTo(1);
            assertThat(ch.endB().info().statistics().get(Counter.MESSAGES_OUT)).isEqualTo(1);
        }
    }

    @Test
    void anOpenClaimHoldsItsBytesOfTheBudgetUntilAborted() {
        try (Channel ch = channels().create(kind(ChannelOptions.ofBufferSize(256).withMaxMessageSize(200)))) {
            MessageClaim big = ch.endA().tryClaim(200, 1);
            assertThat(ch.endA().trySend(new byte[100], 0, 100, 1)).as("the claim holds 200 of 256 bytes").isFalse();
            assertThatThrownBy(() -> ch.endA().tryClaim(201, 1)).isInstanceOfSatisfying(IpcException.class, e -> {
                assertThat(e.error()).isEqualTo(IpcError.MESSAGE_TOO_LARGE);
                assertThat(e.getMessage()).contains("channel #").contains("200 bytes");
            });
            big.abort();
            assertThat(ch.endA().trySend(new byte[200], 0, 200, 1)).as("the bytes came back").isTrue();
            assertThat(ch.endB().tryReceive((m, info) -> assertThat(m.length()).isEqualTo(200))).isTrue();
        }
    }

    @Test
    void aClosedPeerEndRefusesClaimsAndCommitsAndEndsDrainsOnceEmpty() {
        Channel ch = channels().create(kind(ChannelOptions.ofBufferSize(1024)));
        ChannelEnd a = ch.endA();
        ChannelEnd b = ch.endB();
        b.trySend(new byte[] { 9 }, 0, 1, 1);
        MessageClaim open = a.tryClaim(4, 1);
        b.close();

        assertThatThrownBy(open::commit).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        assertThat(open.isOpen()).isFalse();
        assertThatThrownBy(() -> a.tryClaim(4, 1)).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        List<Byte> got = new ArrayList<>();
        assertThat(a.drain((m, info) -> got.add(m.getByte(0)), 10)).as("what was sent before still arrives")
                .isEqualTo(1);
        assertThat(got).containsExactly((byte) 9);
        assertThatThrownBy(() -> a.drain((m, info) -> got.add((byte) -1), 10))
                .isInstanceOfSatisfying(IpcException.class, e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        a.close();
    }

    @Test
    void aClosedHandleRefusesTheCommitOfItsOpenClaimAndItsBytesComeBack() {
        ChannelEnd a = channels().create("closing", kind(ChannelOptions.ofBufferSize(256).withMaxMessageSize(200)));
        ChannelEnd b = channels().open("closing", ChannelSide.B);
        MessageClaim open = a.tryClaim(200, 1);
        a.close();
        assertThatThrownBy(open::commit).isInstanceOfSatisfying(IpcException.class,
                e -> assertThat(e.error()).isEqualTo(IpcError.CLOSED));
        assertThat(b.tryReceive(new byte[256], 0, 256, null)).isEqualTo(MessagePort.NO_MESSAGE);
        ChannelEnd again = channels().open("closing", ChannelSide.A);
        assertThat(again.trySend(new byte[200], 0, 200, 1)).as("the claim's bytes came back").isTrue();
        again.close();
        b.close();
    }
}
