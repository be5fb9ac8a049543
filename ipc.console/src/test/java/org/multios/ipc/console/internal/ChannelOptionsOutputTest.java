package org.multios.ipc.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.multios.ipc.channel.ChannelOptions;

/**
 * {@code ipc:channelcreate} prints the channel's mode as the rest of the console does, not in
 * decimal, a channel without a message limit as such, with the slots it got, not as 0, and a
 * channel of lanes as one.
 */
class ChannelOptionsOutputTest {
    @Test
    void theModeIsPrintedAsLsDoes() {
        String out = PortArguments.options(ChannelOptions.ofBufferSize(4096).withMode(0660).withExclusive(true), 1014);

        assertThat(out).contains("bufferSize=4096").contains("mode=rw-rw----").contains("exclusive=true")
                .doesNotContain("mode=432").doesNotContain("lane");
    }

    @Test
    void aChannelOfLanesSaysSo() {
        assertThat(PortArguments.options(ChannelOptions.ofBufferSize(4096).withLane(true), 1014)).endsWith(", lane=true]");
    }

    @Test
    void noMessageLimitIsShownAsNoneWithTheSlotsNotAsZero() {
        String out = PortArguments.options(ChannelOptions.ofBufferSize(4096), 1014);
        assertThat(out).contains("maxMessages=none (1014 slots a direction)").doesNotContain("maxMessages=0");
        assertThat(PortArguments.options(ChannelOptions.ofBufferSize(4096).withMaxMessageSize(64).withMaxMessages(64), 64))
                .contains("maxMessages=64,");
        assertThat(PortArguments.options(ChannelOptions.ofBufferSize(4096), -1)).contains("maxMessages=none,");
    }
}
