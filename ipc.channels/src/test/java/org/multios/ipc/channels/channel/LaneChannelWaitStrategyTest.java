package org.multios.ipc.channels.channel;

import org.multios.ipc.channel.ChannelOptions;

/** {@link ChannelWaitStrategyTest} on a channel whose directions are lanes ({@link ChannelOptions#lane()}). */
class LaneChannelWaitStrategyTest extends ChannelWaitStrategyTest {
    @Override
    ChannelOptions kind(ChannelOptions options) {
        return options.withLane(true);
    }
}
