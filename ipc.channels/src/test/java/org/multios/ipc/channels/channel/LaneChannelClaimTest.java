package org.multios.ipc.channels.channel;

import org.multios.ipc.channel.ChannelOptions;

/** {@link ChannelClaimTest} on a channel whose directions are lanes ({@link ChannelOptions#lane()}). */
class LaneChannelClaimTest extends ChannelClaimTest {
    @Override
    ChannelOptions kind(ChannelOptions options) {
        return options.withLane(true);
    }

    /** A lane's open claim holds its senders' side: the same thread's send is BUSY, not a wait; the abort frees it. */
    @Override
    @org.junit.jupiter.api.Test
    void anOpenClaimHoldsItsBytesOfTheBudgetUntilAborted() {
        try (org.multios.ipc.channel.Channel ch = channels().create(kind(ChannelOptions.ofBufferSize(256)
                .withMaxMessageSize(200)))) {
            org.multios.ipc.MessageClaim big = ch.endA().tryClaim(200, 1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ch.endA().trySend(new byte[100], 0, 100, 1))
                    .isInstanceOfSatisfying(org.multios.ipc.IpcException.class,
                            e -> org.assertj.core.api.Assertions.assertThat(e.error())
                                    .isEqualTo(org.multios.ipc.IpcError.BUSY));
            big.abort();
            org.assertj.core.api.Assertions.assertThat(ch.endA().trySend(new byte[200], 0, 200, 1)).isTrue();
        }
    }
}
